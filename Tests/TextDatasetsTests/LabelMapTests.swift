import XCTest
@testable import TextDatasets

final class LabelMapTests: XCTestCase {
    func testSortedOrdersNumbersNumericallyAndTextByUnicodeScalars() {
        XCTAssertEqual(LabelMap.sorted(["10", "9", "-3", "09"], numeric: true).names, ["-3", "9", "10"])
        // Python: sorted(["b", "B", "a", "é", "e"]) == ['B', 'a', 'b', 'e', 'é']
        XCTAssertEqual(LabelMap.sorted(["b", "B", "a", "é", "e"], numeric: false).names, ["B", "a", "b", "e", "é"])
    }

    func testLookupsAndConfigRoundTrip() throws {
        let map = try LabelMap(names: ["neg", "pos"])
        XCTAssertEqual(map.id(of: "pos"), 1)
        XCTAssertNil(map.id(of: "meh"))
        XCTAssertEqual(map.name(of: 0), "neg")
        XCTAssertEqual(map.id2label, ["0": "neg", "1": "pos"])
        XCTAssertEqual(map.label2id, ["neg": 0, "pos": 1])
        XCTAssertEqual(try LabelMap(id2label: ["1": "pos", "0": "neg"]), map)
        XCTAssertEqual(LabelMap.sorted(["1", "0"], numeric: true).id(of: "01"), 1)
    }

    func testDuplicatesAndGappedIdsAreErrors() {
        assertDatasetError(.argument, ["'a' appears twice"]) { try LabelMap(names: ["a", "b", "a"]) }
        assertDatasetError(.format, ["not an id in 0..<2"]) { try LabelMap(id2label: ["0": "a", "2": "b"]) }
        assertDatasetError(.format, ["exactly 0..<2"]) { try LabelMap(id2label: ["1": "a", "01": "b"]) }
    }
}
