import Bert
import Display
import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

/// `save(to:)` writes a directory that transformers' `BertForSequenceClassification` loads and
/// that predicts the same logits. The committed directory `tests/save/fixtures/tiny-saved` is what
/// `save(to:)` writes for a seeded tiny model; `tiny-saved-transformers.json` is what transformers
/// computed on it (scripts/reference/saved_model_logits.py, run with /work/refvenv).
///
/// Regenerate after a deliberate change of the saved format:
///     BERT_KERNEL_WRITE_SAVE_FIXTURE=1 swift test -c release --filter SaveCompatibilityTests
///     /work/refvenv/bin/python scripts/reference/saved_model_logits.py tests/save/fixtures/tiny-saved \
///         tests/save/fixtures/tiny-saved-transformers.json
final class SaveCompatibilityTests: XCTestCase {
    private var fixtures: URL { FixturePaths.packageRoot.appendingPathComponent("tests/save/fixtures") }

    /// Saves the seeded tiny classifier through `Session.save(to:)` into `directory`.
    private func saveTinyClassifier(to directory: URL) throws {
        let scratch = try TinyModelFixture.temporaryDirectory(self)
        // A wide initialisation so that logits are O(1) and a wrong term cannot hide in 1e-4.
        try TinyModelFixture.write(to: scratch.appendingPathComponent("source"), heads: .sequenceClassification,
                                   labels: ["negative", "positive"], seed: 11, initializerRange: 0.4)
        let session = Session()
        try session.load(model: scratch.appendingPathComponent("source").path)
        try session.save(to: directory.path)
    }

    func testSaveWritesTheCommittedDirectoryByteForByte() throws {
        let committed = fixtures.appendingPathComponent("tiny-saved")
        if ProcessInfo.processInfo.environment["BERT_KERNEL_WRITE_SAVE_FIXTURE"] == "1" {
            try saveTinyClassifier(to: committed)
        }
        let scratch = try TinyModelFixture.temporaryDirectory(self)
        let written = scratch.appendingPathComponent("saved")
        try saveTinyClassifier(to: written)
        let files = try FileManager.default.contentsOfDirectory(atPath: written.path).sorted()
        XCTAssertEqual(files, ["config.json", "model.safetensors", "tokenizer_config.json", "vocab.txt"])
        for file in files {
            let ours = try Data(contentsOf: written.appendingPathComponent(file))
            let theirs = try Data(contentsOf: committed.appendingPathComponent(file))
            XCTAssertEqual(ours, theirs, "\(file) differs from the committed fixture; regenerate it (see the doc comment)")
        }
    }

    func testTransformersLogitsOfTheSavedDirectoryMatchOursWithin1e4() throws {
        let reference = try JSON.parse(Data(contentsOf: fixtures.appendingPathComponent("tiny-saved-transformers.json")))
        let texts = try XCTUnwrap(reference["texts"]?.arrayValue?.compactMap(\.stringValue))
        let ids = try XCTUnwrap(reference["input_ids"]?.arrayValue)
        let logits = try XCTUnwrap(reference["logits"]?.arrayValue)
        XCTAssertEqual(reference["id2label"], ["0": "negative", "1": "positive"])
        XCTAssertEqual(reference["problem_type"], "single_label_classification")

        let session = Session()
        let summary = try session.load(model: fixtures.appendingPathComponent("tiny-saved").path)
        XCTAssertEqual(summary.model.labelNames, ["negative", "positive"], "load(model:) restores the label names")
        XCTAssertTrue(summary.model.report?.initialized.isEmpty ?? false, "every tensor comes from the file")
        let predictions = try session.predict(texts)
        var worst: Float = 0
        for (index, item) in predictions.items.enumerated() {
            let tokens = try session.tokenize(texts[index])
            XCTAssertEqual(tokens.encoding.ids.map { JSON.int($0) }, ids[index].arrayValue, "ids of \"\(texts[index])\"")
            let expected = try XCTUnwrap(logits[index].arrayValue?.compactMap(\.doubleValue))
            for (a, b) in zip(item.logits, expected) { worst = max(worst, abs(a - Float(b))) }
        }
        XCTAssertLessThan(worst, 1e-4, "max |logit difference| to transformers")
        // Not a vacuous comparison: the logits are far from zero and differ between texts.
        let spread = predictions.items.flatMap(\.logits).map(abs).max() ?? 0
        XCTAssertGreaterThan(spread, 0.05)
    }
}
