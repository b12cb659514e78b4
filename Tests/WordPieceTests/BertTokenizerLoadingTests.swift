import Foundation
import TestSupport
import XCTest
@testable import WordPiece

/// Bad tokenizer files are clear errors naming the file (and key or line); odd but valid
/// files load.
final class BertTokenizerLoadingTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("wordpiece-load")
    }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    private func assertLoadFails(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try BertTokenizer(directory: directory), file: file, line: line) { error in
            let text = String(describing: error)
            for fragment in fragments where !text.contains(fragment) {
                XCTFail("'\(fragment)' missing from: \(text)", file: file, line: line)
            }
        }
    }

    private let smallVocabulary = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\n,\n"

    func testEmptyDirectory() {
        assertLoadFails([directory.path, "neither tokenizer.json nor vocab.txt"])
    }

    func testVocabTxtWithCRLFLineEndingsAndNoConfig() throws {
        try write("vocab.txt", smallVocabulary.replacingOccurrences(of: "\n", with: "\r\n"))
        let tokenizer = try BertTokenizer(directory: directory)
        XCTAssertEqual(tokenizer.vocabularySize, 9)
        XCTAssertEqual(try tokenizer.encode("Hello, worlds!").tokens, ["[CLS]", "hello", ",", "world", "##s", "[UNK]", "[SEP]"])
        XCTAssertNil(tokenizer.modelMaxLength)
    }

    func testVocabularyWithoutTheUnknownToken() throws {
        try write("vocab.txt", "[PAD]\n[CLS]\n[SEP]\nhello\n")
        assertLoadFails(["vocab.txt", "'[UNK]' is not in the vocabulary"])
    }

    func testEmptyVocabulary() throws {
        try write("vocab.txt", "")
        assertLoadFails(["vocab.txt", "empty"])
    }

    func testMalformedConfig() throws {
        try write("vocab.txt", smallVocabulary)
        try write("tokenizer_config.json", #"{"do_lower_case": "yes"}"#)
        assertLoadFails(["tokenizer_config.json", "'do_lower_case'", "expected true, false or null"])
        try write("tokenizer_config.json", #"{"do_lower_case": true,"#)
        assertLoadFails(["tokenizer_config.json", "invalid JSON at line 1, column 24", "expected a key string"])
    }

    func testANamedPipeVocabularyIsRefusedInsteadOfBlockingInOpen() throws {
        XCTAssertEqual(mkfifo(directory.appendingPathComponent("vocab.txt").path, 0o644), 0)
        assertLoadFails(["vocab.txt", "is a named pipe, device or socket, not a regular file"])
    }

    func testConfigOptionsApplyToVocabTxt() throws {
        try write("vocab.txt", smallVocabulary + "Hello\n")
        try write("tokenizer_config.json", #"{"do_lower_case": false, "model_max_length": 128, "unk_token": {"content": "[UNK]"}}"#)
        let tokenizer = try BertTokenizer(directory: directory)
        XCTAssertEqual(tokenizer.normalizer, BertNormalizer(cleanText: true, handleChineseChars: true, stripAccents: nil, lowercase: false))
        XCTAssertEqual(tokenizer.modelMaxLength, 128)
        XCTAssertEqual(tokenizer.tokenize("Hello hello"), ["Hello", "hello"])
    }

    func testTokenizerJSONProblems() throws {
        try write("tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}")
        assertLoadFails(["tokenizer.json", "model.type is 'BPE'", "only WordPiece"])
        try write("tokenizer.json", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": \"zero\"}}}")
        assertLoadFails(["tokenizer.json", "model.vocab['[UNK]'] is not an integer id"])
        try write("tokenizer.json", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}, \"normalizer\": {\"type\": \"Lowercase\"}}")
        assertLoadFails(["tokenizer.json", "normalizer.type is 'Lowercase'"])
        try write("tokenizer.json", "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"a\": 0}}}")
        assertLoadFails(["tokenizer.json", "share id 0"])
        try write("tokenizer.json", """
        {"model": {"type": "WordPiece", "vocab": {"[UNK]": 0}},
         "added_tokens": [{"id": 1, "content": "<x>", "single_word": true, "special": false}]}
        """)
        assertLoadFails(["tokenizer.json", "added_tokens[0]", "single_word"])
        try write("tokenizer.json", "not json")
        assertLoadFails(["tokenizer.json", "invalid JSON at line 1, column 2"])
    }

    func testTokenizerJSONKeepsCanonicallyEquivalentTokensApart() throws {
        // "é" (U+00E9) and "e" + U+0301 are equal as Swift Strings but different tokens to the Rust
        // library; a Foundation decoder would merge them.
        try write("tokenizer.json", """
        {"model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "\\u00e9": 1, "e\\u0301": 2, "[CLS]": 3, "[SEP]": 4, "[PAD]": 5, "[MASK]": 6}},
         "normalizer": {"type": "BertNormalizer", "lowercase": false, "strip_accents": false}}
        """)
        let tokenizer = try BertTokenizer(directory: directory)
        XCTAssertEqual(tokenizer.id(of: "\u{E9}"), 1)
        XCTAssertEqual(tokenizer.id(of: "e\u{301}"), 2)
        XCTAssertEqual(try tokenizer.encode("e\u{301} \u{E9}").ids, [3, 2, 1, 4])
    }

    func testTruncationAndBatchErrorsAreThrown() throws {
        try write("vocab.txt", smallVocabulary)
        let tokenizer = try BertTokenizer(directory: directory)
        XCTAssertThrowsError(try tokenizer.encode("hello world hello", pair: "world", maxLength: 5, truncation: .onlySecond)) { error in
            XCTAssertTrue(String(describing: error).contains("only_second"), "\(error)")
        }
        XCTAssertThrowsError(try tokenizer.encodeBatch(["a", "b"], pairs: ["c"]))
    }
}
