import Bert
import Display
import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

/// `save(to:)` writes a directory that transformers' `BertForSequenceClassification` loads and
/// that predicts the same logits, with the same loss (`problem_type` picks it), for each task.
/// The committed directories `tests/save/fixtures/tiny-saved{,-multilabel,-regression}` are what
/// `save(to:)` writes for seeded tiny models; `<directory>-transformers.json` is what transformers
/// computed on each (scripts/reference/saved_model_logits.py, run with /work/refvenv).
///
/// Regenerate after a deliberate change of the saved format:
///     BERT_KERNEL_WRITE_SAVE_FIXTURE=1 swift test -c release --filter SaveCompatibilityTests
///     for d in tiny-saved tiny-saved-multilabel tiny-saved-regression; do
///         /work/refvenv/bin/python scripts/reference/saved_model_logits.py tests/save/fixtures/$d \
///             tests/save/fixtures/$d-transformers.json
///     done
final class SaveCompatibilityTests: XCTestCase {
    private var fixtures: URL { FixturePaths.packageRoot.appendingPathComponent("tests/save/fixtures") }

    /// One committed saved model: its directory name and the seeded tiny classifier it holds.
    private struct SavedCase {
        let name: String
        let labels: [String]
        let problemType: String?
        let seed: UInt64
    }

    private let cases = [
        SavedCase(name: "tiny-saved", labels: ["negative", "positive"], problemType: nil, seed: 11),
        SavedCase(name: "tiny-saved-multilabel", labels: ["negative", "positive", "story"],
                  problemType: "multi_label_classification", seed: 12),
        SavedCase(name: "tiny-saved-regression", labels: ["score"], problemType: "regression", seed: 13),
    ]

    /// Saves the case's seeded tiny classifier through `Session.save(to:)` into `directory`.
    private func saveTinyClassifier(_ saved: SavedCase, to directory: URL) throws {
        let scratch = try makeTemporaryDirectory("bert-session")
        // A wide initialisation so that logits are O(1) and a wrong term cannot hide in 1e-4.
        try TinyModelFixture.write(to: scratch.appendingPathComponent("source"), heads: .sequenceClassification,
                                   labels: saved.labels, problemType: saved.problemType, seed: saved.seed,
                                   initializerRange: 0.4)
        let session = Session()
        try session.load(model: scratch.appendingPathComponent("source").path)
        try session.save(to: directory.path)
    }

    func testSaveWritesTheCommittedDirectoriesByteForByte() throws {
        for saved in cases {
            let committed = fixtures.appendingPathComponent(saved.name)
            let scratch = try makeTemporaryDirectory("bert-session")
            let written = scratch.appendingPathComponent("saved")
            try saveTinyClassifier(saved, to: written)
            // The committed copies hold what transformers reads; save's own marker (which lets a
            // later save replace the folder) is not part of the format.
            let all = try FileManager.default.contentsOfDirectory(atPath: written.path).sorted()
            XCTAssertEqual(all.first, ".bert-kernel-save", saved.name)
            let files = all.filter { !$0.hasPrefix(".") }
            XCTAssertEqual(files, ["config.json", "model.safetensors", "tokenizer_config.json", "vocab.txt"], saved.name)
            if ProcessInfo.processInfo.environment["BERT_KERNEL_WRITE_SAVE_FIXTURE"] == "1" {
                for file in files {
                    let destination = committed.appendingPathComponent(file)
                    try? FileManager.default.removeItem(at: destination)
                    try FileManager.default.copyItem(at: written.appendingPathComponent(file), to: destination)
                }
            }
            for file in files {
                let ours = try Data(contentsOf: written.appendingPathComponent(file))
                let theirs = try Data(contentsOf: committed.appendingPathComponent(file))
                XCTAssertEqual(ours, theirs, "\(saved.name)/\(file) differs from the committed fixture; regenerate it (see the doc comment)")
            }
        }
    }

    func testTransformersLogitsAndLossOfTheSavedDirectoriesMatchOursWithin1e4() throws {
        for saved in cases {
            let reference = try JSON.parse(Data(contentsOf: fixtures.appendingPathComponent("\(saved.name)-transformers.json")))
            let texts = try XCTUnwrap(reference["texts"]?.arrayValue?.compactMap(\.stringValue))
            let ids = try XCTUnwrap(reference["input_ids"]?.arrayValue)
            let logits = try XCTUnwrap(reference["logits"]?.arrayValue)
            let task = saved.problemType ?? "single_label_classification"
            XCTAssertEqual(reference["id2label"], .object(Dictionary(uniqueKeysWithValues: saved.labels.enumerated().map {
                (String($0.offset), JSON.string($0.element))
            })), saved.name)
            XCTAssertEqual(reference["problem_type"], .string(task), "transformers reads the task from config.json")

            let session = Session()
            let summary = try session.load(model: fixtures.appendingPathComponent(saved.name).path)
            XCTAssertEqual(summary.model.labelNames, saved.labels, "load(model:) restores the label names")
            XCTAssertEqual(summary.model.config.resolvedProblemType.rawValue, task, "load(model:) restores the task")
            XCTAssertTrue(summary.model.report?.initialized.isEmpty ?? false, "every tensor comes from the file")
            let predictions = try session.predict(texts)
            var worst: Float = 0
            for (index, item) in predictions.items.enumerated() {
                let tokens = try session.tokenize(texts[index])
                XCTAssertEqual(tokens.encoding.ids.map { JSON.int($0) }, ids[index].arrayValue, "ids of \"\(texts[index])\"")
                let expected = try XCTUnwrap(logits[index].arrayValue?.compactMap(\.doubleValue))
                XCTAssertEqual(item.logits.count, expected.count)
                for (a, b) in zip(item.logits, expected) { worst = max(worst, abs(a - Float(b))) }
            }
            XCTAssertLessThan(worst, 1e-4, "\(saved.name): max |logit difference| to transformers")
            // Not a vacuous comparison: the logits are far from zero and differ between texts.
            let spread = predictions.items.flatMap(\.logits).map(abs).max() ?? 0
            XCTAssertGreaterThan(spread, 0.05)

            // The loss transformers picks from problem_type, on the script's labels, is ours.
            let model = try XCTUnwrap(session.model)
            let encoded = try Predictor(network: model.network, tokenizer: model.tokenizer).encode(texts, maxLength: 128)
            let batch = try Predictor.batch(encoded, paddingId: model.tokenizer.paddingTokenId)
            let labels = try XCTUnwrap(reference["labels"]?.arrayValue)
            let bertLabels: BertLabels
            switch model.config.resolvedProblemType {
            case .singleLabel: bertLabels = .classes(labels.compactMap(\.intValue).map(Int32.init))
            case .multiLabel: bertLabels = .multiLabel(labels.flatMap { $0.arrayValue?.compactMap(\.doubleValue).map(Float.init) ?? [] })
            case .regression: bertLabels = .regression(labels.compactMap(\.doubleValue).map(Float.init))
            }
            let loss = try model.network.loss(batch, labels: bertLabels)
            XCTAssertEqual(Double(loss), try XCTUnwrap(reference["loss"]?.doubleValue), accuracy: 1e-5, "\(saved.name): loss")
        }
    }
}
