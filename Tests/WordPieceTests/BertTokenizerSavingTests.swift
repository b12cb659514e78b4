import Foundation
import XCTest
@testable import WordPiece

final class BertTokenizerSavingTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("wordpiece-save-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The tokenizer with added tokens, saved as vocab.txt + tokenizer_config.json, encodes every
    /// fixture text as transformers did before saving.
    func testSavedTokenizerReloadsWithIdenticalEncodings() throws {
        let original = try BertTokenizer(directory: TokenizerFixture.directory.appendingPathComponent("small-added"))
        try original.save(to: directory)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("vocab.txt").path))
        let reloaded = try BertTokenizer(directory: directory)
        XCTAssertEqual(reloaded.normalizer, original.normalizer)
        let fixture = try TokenizerFixture.load("small-added.json")
        XCTAssertGreaterThan(TokenizerFixture.check(reloaded, singles: fixture.singles, pairs: []), 50)
    }

    /// transformers reads the saved directory and tokenizes as before. Needs the reference
    /// Python (BERT_KERNEL_REF_PYTHON, .venv-ref or /work/refvenv); skipped otherwise.
    func testTransformersLoadsTheSavedTokenizer() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [ProcessInfo.processInfo.environment["BERT_KERNEL_REF_PYTHON"],
                          packageRoot.appendingPathComponent(".venv-ref/bin/python").path, "/work/refvenv/bin/python"].compactMap { $0 }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no reference Python (set BERT_KERNEL_REF_PYTHON or create .venv-ref)")
        }
        let original = try BertTokenizer(directory: TokenizerFixture.directory.appendingPathComponent("small-added"))
        try original.save(to: directory)
        let fixture = try TokenizerFixture.load("small-added.json")
        let texts = fixture.singles.map(\.text)
        let textsURL = directory.appendingPathComponent("texts.json")
        try JSONEncoder().encode(texts).write(to: textsURL)
        let script = """
        import json, sys, logging
        logging.disable(logging.WARNING)
        from transformers import BertTokenizer
        tok = BertTokenizer.from_pretrained(sys.argv[1])
        print(json.dumps([tok(t)["input_ids"] for t in json.load(open(sys.argv[2]))]))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, directory.path, textsURL.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("\(python) cannot import transformers") }
        let ids = try JSONDecoder().decode([[Int]].self, from: output)
        XCTAssertEqual(ids, fixture.singles.map { $0.ids ?? [] })
    }
}
