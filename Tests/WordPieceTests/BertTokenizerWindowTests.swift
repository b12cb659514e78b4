import Foundation
import TestSupport
import XCTest
@testable import WordPiece

/// Sliding windows (`encodeWindows`) identical to `transformers` 5's
/// `tokenizer(text, pair, max_length:, stride:, truncation:, return_overflowing_tokens=True)`:
/// every window, in its order, with every field; and an error exactly where transformers fails
/// (fixture written by scripts/reference/window_fixtures.py).
final class BertTokenizerWindowTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable {
            var text: String
            var pair: String?
            var max_length: Int
            var stride: Int
            var truncation: String
            var ids: [[Int]]?
            var type_ids: [[Int]]?
            var attention: [[Int]]?
            var special: [[Int]]?
            var offsets: [[[Int]]]?
            var word_ids: [[Int?]]?
            var sequence_ids: [[Int?]]?
            var error: String?
        }
        var transformers: String
        var small: [Case]
        var minilm: [Case]

        static func load() throws -> Fixture {
            try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TokenizerFixture.directory.appendingPathComponent("windows.json")))
        }
    }

    /// Compares every window of every case; returns the number of windows compared.
    @discardableResult
    private func check(_ tokenizer: BertTokenizer, _ cases: [Fixture.Case], file: StaticString = #filePath,
                       line: UInt = #line) -> Int {
        var windows = 0, failures = 0
        for c in cases {
            let label = "\(c.text.prefix(40).debugDescription) / \(c.pair.map { String($0.prefix(40)) }.debugDescription) "
                + "max \(c.max_length) stride \(c.stride) \(c.truncation)"
            let result = Result {
                try tokenizer.encodeWindows(c.text, pair: c.pair, maxLength: c.max_length, stride: c.stride,
                                            truncation: BertTruncation(rawValue: c.truncation)!)
            }
            var problems: [String] = []
            switch (result, c.error) {
            case (.failure, .some):
                break
            case (.failure(let error), nil):
                problems.append("unexpected error \(error)")
            case (.success(let got), .some(let expected)):
                problems.append("expected an error (\(expected)), got \(got.count) windows")
            case (.success(let got), nil):
                windows += got.count
                if got.map(\.ids) != c.ids { problems.append("ids \(got.map(\.tokens)) != \(c.ids!)") }
                if got.map(\.typeIds) != c.type_ids { problems.append("type ids \(got.map(\.typeIds)) != \(c.type_ids!)") }
                if let attention = c.attention, got.map(\.attentionMask) != attention { problems.append("attention") }
                if let special = c.special, got.map(\.specialTokensMask) != special { problems.append("special tokens mask") }
                if let offsets = c.offsets?.map({ $0.map { $0[0]..<$0[1] } }), got.map(\.offsets) != offsets {
                    problems.append("offsets \(got.map(\.offsets)) != \(offsets)")
                }
                if let wordIds = c.word_ids, got.map(\.wordIds) != wordIds { problems.append("word ids \(got.map(\.wordIds)) != \(wordIds)") }
                if let sequenceIds = c.sequence_ids, got.map(\.sequenceIds) != sequenceIds { problems.append("sequence ids") }
            }
            guard !problems.isEmpty else { continue }
            failures += 1
            if failures <= 20 { XCTFail(label + ": " + problems.joined(separator: "; "), file: file, line: line) }
        }
        if failures > 20 { XCTFail("\(failures) of \(cases.count) cases differ", file: file, line: line) }
        return windows
    }

    func testWindowsOfTheSmallTokenizerAreIdenticalToTransformersOnAGridOfLengthsStridesAndStrategies() throws {
        let fixture = try Fixture.load()
        let tokenizer = try BertTokenizer(directory: TokenizerFixture.directory.appendingPathComponent("small-json"))
        XCTAssertEqual(fixture.small.count, 430)
        XCTAssertGreaterThan(fixture.small.filter { ($0.ids?.count ?? 0) > 2 }.count, 50, "the grid has overflowing cases")
        XCTAssertEqual(check(tokenizer, fixture.small), 710, "windows compared")
    }

    func testWindowsOfLongTextsAndPairsAreIdenticalToTransformersWithMiniLM() throws {
        let fixture = try Fixture.load()
        let tokenizer = try BertTokenizer(directory: try FixturePaths.requireMiniLM())
        XCTAssertEqual(check(tokenizer, fixture.minilm), 245, "windows compared")
    }

    func testATextThatFitsIsOneWindowEqualToPlainEncoding() throws {
        let tokenizer = try BertTokenizer(directory: TokenizerFixture.directory.appendingPathComponent("small-json"))
        let windows = try tokenizer.encodeWindows("a b c", pair: "d e", maxLength: 16, stride: 4)
        XCTAssertEqual(windows, [try tokenizer.encode("a b c", pair: "d e", maxLength: 16)])
    }

    func testOnlySecondRepeatsTheFirstTextInEveryWindowAndOverlapsByTheStride() throws {
        let tokenizer = try BertTokenizer(directory: TokenizerFixture.directory.appendingPathComponent("small-json"))
        let windows = try tokenizer.encodeWindows("a b", pair: "c d e f g h i j", maxLength: 8, stride: 2, truncation: .onlySecond)
        XCTAssertEqual(windows.map { $0.tokens.joined(separator: " ") }, [
            "[CLS] a b [SEP] c d e [SEP]", "[CLS] a b [SEP] d e f [SEP]", "[CLS] a b [SEP] e f g [SEP]",
            "[CLS] a b [SEP] f g h [SEP]", "[CLS] a b [SEP] g h i [SEP]", "[CLS] a b [SEP] h i j [SEP]",
        ])
    }

    func testAStrideTheWindowsCannotHoldIsAnErrorNamingBoth() throws {
        let tokenizer = try BertTokenizer(directory: TokenizerFixture.directory.appendingPathComponent("small-json"))
        XCTAssertThrowsError(try tokenizer.encodeWindows("a b c d e f g h", maxLength: 6, stride: 5)) { error in
            XCTAssertTrue("\(error)".contains("stride of 5"), "\(error)")
        }
        // the first text leaves only 2 tokens of the second per window, not more than the stride
        XCTAssertThrowsError(try tokenizer.encodeWindows("a b c", pair: "d e f g h i j k", maxLength: 8, stride: 2,
                                                         truncation: .onlySecond)) { error in
            XCTAssertTrue("\(error)".contains("the second text"), "\(error)")
        }
    }
}
