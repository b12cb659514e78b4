import Foundation
import XCTest
@testable import WordPiece

/// The outputs written by scripts/reference/tokenizer_fixtures.py. Decoded with JSONDecoder:
/// Foundation's JSONSerialization drops a U+FEFF at the start of a string on Linux.
struct TokenizerFixture: Decodable {
    struct Record: Decodable {
        var text: String
        var pair: String?
        var max_length: Int?
        var truncation: String?
        var ids: [Int]?
        var type_ids: [Int]?
        var attention: [Int]?
        var special: [Int]?
        var offsets: [[Int]]?
        var word_ids: [Int?]?
        var sequence_ids: [Int?]?
        var decoded: String?
        var decoded_skip: String?
        var error: String?
    }
    struct Variant: Decodable {
        struct Options: Decodable {
            var do_lower_case: Bool?
            var strip_accents: Bool?
            var tokenize_chinese_chars: Bool?
        }
        var options: Options
        var ids: [[Int]]
    }
    struct Batch: Decodable {
        var texts: [String]
        var longest: [[Int]]
        var longest_attention: [[Int]]
        var max_length_10: [[Int]]
    }

    var transformers: String
    var singles: [Record]
    var pairs: [Record]
    var saved_files: [String]?
    var variants: [String: Variant]?
    var batch: Batch?

    static var directory: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }

    static func load(_ name: String) throws -> TokenizerFixture {
        try JSONDecoder().decode(TokenizerFixture.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Compares every field each record has, failing once per differing record (at most 20).
    /// - returns: the number of records checked.
    @discardableResult
    static func check(_ tokenizer: BertTokenizer, singles: [Record], pairs: [Record],
                      file: StaticString = #filePath, line: UInt = #line) -> Int {
        var checked = 0
        var failingRecords = 0
        func compare(_ record: Record, _ result: Result<BertEncoding, Error>, label: String) {
            checked += 1
            var problems: [String] = []
            switch result {
            case .failure(let error):
                if record.error == nil { problems.append("unexpected error \(error)") }
            case .success(let encoding):
                if let expected = record.error {
                    problems.append("expected an error (\(expected)), got \(encoding.tokens)")
                    break
                }
                if let ids = record.ids, ids != encoding.ids {
                    problems.append("ids \(encoding.ids) \(encoding.tokens) != \(ids) \(tokenizer.tokens(of: ids))")
                }
                if let typeIds = record.type_ids, typeIds != encoding.typeIds {
                    problems.append("type ids \(encoding.typeIds) != \(typeIds)")
                }
                if let attention = record.attention, attention != encoding.attentionMask {
                    problems.append("attention \(encoding.attentionMask) != \(attention)")
                }
                if let special = record.special, special != encoding.specialTokensMask {
                    problems.append("special tokens mask \(encoding.specialTokensMask) != \(special)")
                }
                if let offsets = record.offsets?.map({ $0[0]..<$0[1] }), offsets != encoding.offsets {
                    problems.append("offsets \(encoding.offsets) != \(offsets) for \(encoding.tokens)")
                }
                if let wordIds = record.word_ids, wordIds != encoding.wordIds {
                    problems.append("word ids \(encoding.wordIds) != \(wordIds)")
                }
                if let sequenceIds = record.sequence_ids, sequenceIds != encoding.sequenceIds {
                    problems.append("sequence ids \(encoding.sequenceIds) != \(sequenceIds)")
                }
                if let decoded = record.decoded, tokenizer.decode(encoding.ids) != decoded {
                    problems.append("decode \(tokenizer.decode(encoding.ids).debugDescription) != \(decoded.debugDescription)")
                }
                if let decoded = record.decoded_skip, tokenizer.decode(encoding.ids, skipSpecialTokens: true) != decoded {
                    problems.append("decode skipping specials \(tokenizer.decode(encoding.ids, skipSpecialTokens: true).debugDescription) != \(decoded.debugDescription)")
                }
            }
            guard !problems.isEmpty else { return }
            failingRecords += 1
            if failingRecords <= 20 {
                XCTFail("\(label): " + problems.joined(separator: "; "), file: file, line: line)
            }
        }
        for record in singles {
            compare(record, Result { try tokenizer.encode(record.text) }, label: "text \(record.text.debugDescription)")
        }
        for record in pairs {
            let maxLength = record.max_length!
            let strategy = BertTruncation(rawValue: record.truncation!)!
            compare(record, Result { try tokenizer.encode(record.text, pair: record.pair, maxLength: maxLength, truncation: strategy) },
                    label: "pair \(record.text.debugDescription) / \(record.pair.debugDescription) max \(maxLength) \(strategy)")
        }
        if failingRecords > 20 { XCTFail("\(failingRecords) of \(checked) records differ", file: file, line: line) }
        return checked
    }
}
