import Foundation
import XCTest
@testable import WordPiece

/// Cased and multilingual vocabularies (issue 19, part 4): ids, type ids, masks, offsets, word ids
/// and decoded text identical to `transformers` 5's `BertTokenizer.from_pretrained` on the same
/// texts and pairs as the uncased parity tests, for a small cased vocabulary saved in both layouts
/// and for `tokenizer_config.json` variants of `do_lower_case`, `strip_accents` and
/// `tokenize_chinese_chars` (fixtures written by scripts/reference/tokenizer_fixtures.py).
final class CasedTokenizerParityTests: XCTestCase {
    /// The `cased_variants` member of cased.json: per variant, the config file it was loaded with
    /// and the ids of every single text.
    private struct CasedVariants: Decodable {
        struct Variant: Decodable {
            var config: String
            /// Loaded from the cased tokenizer.json (with this config) instead of vocab.txt.
            var tokenizer_json: Bool?
            var ids: [[Int]]
        }
        var vocab_size: Int
        var cased_variants: [String: Variant]
    }

    private func directory(_ name: String) -> URL { TokenizerFixture.directory.appendingPathComponent(name) }

    func testCasedTokenizerJSONAndConfigMatchTransformersExactly() throws {
        let fixture = try TokenizerFixture.load("cased.json")
        let tokenizer = try BertTokenizer(directory: directory("cased-json"))
        XCTAssertFalse(tokenizer.normalizer.lowercase)
        XCTAssertFalse(tokenizer.normalizer.stripsAccents, "strip_accents null follows do_lower_case false")
        XCTAssertGreaterThan(TokenizerFixture.check(tokenizer, singles: fixture.singles, pairs: fixture.pairs), 400)
    }

    func testCasedVocabTxtWithDoLowerCaseFalseMatchesTransformersExactly() throws {
        // The layout of bert-base-cased and bert-base-multilingual-cased on the hub:
        // vocab.txt and a tokenizer_config.json holding only {"do_lower_case": false}.
        let fixture = try TokenizerFixture.load("cased.json")
        let tokenizer = try BertTokenizer(directory: directory("cased-vocab"))
        XCTAssertEqual(tokenizer.normalizer, BertNormalizer(cleanText: true, handleChineseChars: true, stripAccents: nil, lowercase: false))
        XCTAssertEqual(tokenizer.tokenize("Hello Café"), ["Hello", "Café"])
        TokenizerFixture.check(tokenizer, singles: fixture.singles, pairs: fixture.pairs)
    }

    func testTokenizerConfigVariantsOfTheCasedVocabularyMatchTransformersExactly() throws {
        let fixture = try TokenizerFixture.load("cased.json")
        let variants = try JSONDecoder().decode(CasedVariants.self,
                                                from: Data(contentsOf: directory("cased.json"))).cased_variants
        XCTAssertEqual(Set(variants.keys), ["cased_strip_accents", "cased_no_chinese_split", "lowercase_keep_accents",
                                            "lowercase_strip_accents_no_chinese_split", "defaults", "json_with_empty_config"])
        let texts = fixture.singles.map(\.text)
        for (name, variant) in variants.sorted(by: { $0.key < $1.key }) {
            let config = directory(variant.config)
            let tokenizer = variant.tokenizer_json == true
                ? try BertTokenizer(tokenizerJSONFile: directory("cased-json/tokenizer.json"), configFile: config)
                : try BertTokenizer(vocabFile: directory("cased-vocab/vocab.txt"), configFile: config)
            XCTAssertEqual(variant.ids.count, texts.count, name)
            var mismatches = 0
            for (text, ids) in zip(texts, variant.ids) {
                let mine = try tokenizer.encode(text).ids
                guard mine != ids else { continue }
                mismatches += 1
                if mismatches <= 5 { XCTFail("\(name) \(text.debugDescription): \(tokenizer.tokens(of: mine)) != \(tokenizer.tokens(of: ids))") }
            }
            XCTAssertEqual(mismatches, 0, name)
        }
    }

    func testATokenizerConfigWithoutDoLowerCaseLowercasesEvenWhenTokenizerJSONSaysCased() throws {
        // transformers' BertTokenizer builds its normaliser from tokenizer_config.json's options
        // (default: lowercase) and ignores tokenizer.json's "normalizer" (tokenization_bert.py).
        let tokenizer = try BertTokenizer(tokenizerJSONFile: directory("cased-json/tokenizer.json"),
                                          configFile: directory("cased-variants/defaults.json"))
        XCTAssertTrue(tokenizer.normalizer.lowercase)
        XCTAssertEqual(tokenizer.tokenize("The Child"), ["the", "child"])
    }
}
