import Numerics
import XCTest
@testable import Bert

final class LengthGroupingTests: XCTestCase {
    func testMatchesTransformersGetLengthGroupedIndices() throws {
        // Fixture: scripts/reference/length_grouping_fixture.py (transformers with its shuffle
        // replaced by the given permutation); megabatch multipliers 1 to 50, ties, a short set.
        let object = try XCTUnwrap(try BertFixtures.json("length_grouping.json") as? [String: Any])
        let cases = try XCTUnwrap(object["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 5)
        for c in cases {
            let lengths = try XCTUnwrap(c["lengths"] as? [Int]), shuffled = try XCTUnwrap(c["shuffled"] as? [Int])
            let batchSize = try XCTUnwrap(c["batch_size"] as? Int)
            XCTAssertEqual(LengthGrouping.order(shuffled: shuffled, lengths: lengths, batchSize: batchSize),
                           try XCTUnwrap(c["order"] as? [Int]), "\(lengths.count) examples, batch \(batchSize)")
        }
    }

    func testMegabatchesAreSortedLongestFirstWithTheLongestExampleAtTheFront() {
        // 10 examples, batch 2: multiplier max(1, min(10 / 8, 50)) = 1, megabatches of 2.
        let lengths = [5, 9, 3, 3, 7, 1, 12, 2, 8, 4]
        let shuffled = [3, 0, 6, 1, 2, 5, 9, 4, 8, 7]
        let order = LengthGrouping.order(shuffled: shuffled, lengths: lengths, batchSize: 2)
        // Megabatches [3, 0] -> [0, 3]; [6, 1] -> [6, 1]; [2, 5] -> [2, 5]; [9, 4] -> [4, 9];
        // [8, 7] -> [8, 7]; then example 6 (length 12) swaps places with example 0.
        XCTAssertEqual(order, [6, 3, 0, 1, 2, 5, 4, 9, 8, 7])
    }

    func testLargerSetsUseLargerMegabatchesAndKeepEveryIndexOnce() {
        var generator = SeededGenerator(seed: 5)
        let lengths = (0..<1000).map { _ in 3 + generator.nextInt(below: 60) }
        let shuffled = generator.shuffled(Array(lengths.indices))
        let order = LengthGrouping.order(shuffled: shuffled, lengths: lengths, batchSize: 8)
        XCTAssertEqual(order.sorted(), Array(lengths.indices))
        // multiplier min(1000 / 32, 50) = 31: megabatches of 248, each sorted (after the swap at the front).
        XCTAssertEqual(lengths[order[0]], lengths.max())
        for start in stride(from: 0, to: 1000, by: 248) {
            let megabatch = Array(order[start..<min(start + 248, 1000)]).map { lengths[$0] }
            XCTAssertEqual(Array(megabatch.dropFirst()), megabatch.dropFirst().sorted(by: >))
        }
        // The padding it saves: the sum over batches of the longest length times the batch size.
        func padded(_ order: [Int]) -> Int {
            stride(from: 0, to: order.count, by: 8).map { 8 * order[$0..<min($0 + 8, order.count)].map { lengths[$0] }.max()! }
                .reduce(0, +)
        }
        XCTAssertLessThan(Double(padded(order)), 0.7 * Double(padded(shuffled)))
    }

    func testTiesKeepTheirShuffledOrderAndAnEmptySetIsEmpty() {
        let order = LengthGrouping.order(shuffled: [2, 0, 1, 3], lengths: [4, 4, 4, 4], batchSize: 4)
        XCTAssertEqual(order, [2, 0, 1, 3])
        XCTAssertEqual(LengthGrouping.order(shuffled: [], lengths: [], batchSize: 4), [])
    }
}
