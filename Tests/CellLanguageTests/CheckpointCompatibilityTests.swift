@testable import Bert
import Display
import ExactJSON
import Foundation
import Numerics
import TestSupport
import XCTest
@testable import CellLanguage

/// A checkpoint's model and `trainer_state.json` are what transformers reads: the committed
/// `tests/save/fixtures/tiny-checkpoint/checkpoint-12` is what `TrainingCheckpoint.Writer` writes
/// for a seeded tiny classifier and a fixed run state (no training step, so the bytes do not depend
/// on the BLAS core), and `tiny-checkpoint-transformers.json` is what transformers made of it
/// (`BertForSequenceClassification.from_pretrained` and `TrainerState.load_from_json`, in
/// scripts/reference/checkpoint_reference.py, run with /work/refvenv).
///
/// Regenerate after a deliberate change of the checkpoint format:
///     BERT_KERNEL_WRITE_SAVE_FIXTURE=1 swift test --filter CheckpointCompatibilityTests
///     /work/refvenv/bin/python scripts/reference/checkpoint_reference.py \
///         tests/save/fixtures/tiny-checkpoint/checkpoint-12 tests/save/fixtures/tiny-checkpoint-transformers.json
final class CheckpointCompatibilityTests: XCTestCase {
    private var fixtures: URL { FixturePaths.packageRoot.appendingPathComponent("tests/save/fixtures") }
    private var committed: URL { fixtures.appendingPathComponent("tiny-checkpoint/checkpoint-12") }

    /// The fixed state: 12 steps of a 2-epoch run (6 per epoch), an evaluation per epoch, the
    /// best (loss) at step 6, moments filled with a seeded pattern.
    private func writeCheckpoint(into folder: URL) throws -> URL {
        let scratch = try makeTemporaryDirectory("bert-session")
        try TinyModelFixture.write(to: scratch.appendingPathComponent("source"), heads: .sequenceClassification,
                                   labels: ["negative", "positive"], seed: 21, initializerRange: 0.4)
        let session = Session()
        try session.load(model: scratch.appendingPathComponent("source").path)
        let model = try XCTUnwrap(session.model)
        let options = TrainOptions(epochs: 2, lr: 1e-3, batch: 8, maxLength: 32)
        let step = try TrainingStep(network: model.network, options: .init(learningRate: 1e-3, totalSteps: 12, weightDecay: 0.01))
        var generator = SeededGenerator(seed: 5)
        let moments = (0..<(2 * model.network.parameters.count)).map { _ in Float(generator.nextDouble()) * 1e-3 }
        let count = model.network.parameters.count
        step.optimizer.restore(step: 12, m: Array(moments[..<count]), v: Array(moments[count...]))
        var progress = TrainerProgress(runStartStep: 0, epochs: 2)
        progress.epoch = 2
        progress.runStep = 12
        progress.samples = 90
        for s in 1...12 {
            progress.log.append(.step(globalStep: s, epoch: Double(s) / 6, loss: 0.75 - Double(s) / 64, learningRate: 1e-3 * Double(12 - s) / 12))
            if s % 6 == 0 {
                progress.log.append(.evaluation(globalStep: s, epoch: Double(s) / 6,
                                                metrics: [.init("loss", s == 6 ? 0.5 : 0.625), .init("accuracy", s == 6 ? 0.875 : 0.75)]))
            }
        }
        progress.best = .init(metric: "loss", value: 0.5, globalStep: 6, epoch: 1, checkpoint: "checkpoint-6",
                              metrics: [.init("loss", 0.5), .init("accuracy", 0.875)])
        progress.evaluationsWithoutImprovement = 1
        let identity = TrainingIdentity(model: [.init(name: "vocab_size", value: "36")], data: [.init(name: "labels", value: "negative, positive")])
        let record = TrainingCheckpoint.RunRecord(runID: "00000000-0000-0000-0000-000000000015", options: options, best: "loss",
                                                  every: .epoch, identity: identity, trainExamples: 45)
        let writer = TrainingCheckpoint.Writer(folder: folder, displayFolder: "runs/tiny", keep: nil, record: record,
                                               modelFiles: TokenizerFiles.files(for: model.tokenizer))
        return try writer.write(step, progress: progress)
    }

    func testTheWriterWritesTheCommittedCheckpointByteForByte() throws {
        let scratch = try makeTemporaryDirectory("bert-session")
        let written = try writeCheckpoint(into: scratch.appendingPathComponent("runs/tiny"))
        XCTAssertEqual(written.lastPathComponent, "checkpoint-12")
        let files = try FileManager.default.contentsOfDirectory(atPath: written.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(files, ["config.json", "model.safetensors", "optimizer.safetensors", "tokenizer_config.json",
                               "trainer_state.json", "training_state.json", "vocab.txt"])
        if ProcessInfo.processInfo.environment["BERT_KERNEL_WRITE_SAVE_FIXTURE"] == "1" {
            try FileManager.default.createDirectory(at: committed, withIntermediateDirectories: true)
            for file in files {
                let destination = committed.appendingPathComponent(file)
                try? FileManager.default.removeItem(at: destination)
                try FileManager.default.copyItem(at: written.appendingPathComponent(file), to: destination)
            }
        }
        for file in files {
            XCTAssertEqual(try Data(contentsOf: written.appendingPathComponent(file)),
                           try Data(contentsOf: committed.appendingPathComponent(file)),
                           "\(file) differs from the committed fixture; regenerate it (see the doc comment)")
        }
    }

    /// What transformers read from the committed checkpoint is what we wrote and compute.
    func testTransformersReadsTheCheckpointsModelAndTrainerState() throws {
        let reference = try OrderedJSON.parse(Array(Data(contentsOf: fixtures.appendingPathComponent("tiny-checkpoint-transformers.json"))))
        let state = try XCTUnwrap(reference["trainer_state"])
        XCTAssertEqual(state["global_step"]?.intValue, 12)
        XCTAssertEqual(state["max_steps"]?.intValue, 12)
        XCTAssertEqual(state["epoch"]?.doubleValue, 2)
        XCTAssertEqual(state["num_train_epochs"]?.intValue, 2)
        XCTAssertEqual(state["best_metric"]?.doubleValue, 0.5)
        XCTAssertEqual(state["best_global_step"]?.intValue, 6)
        XCTAssertEqual(state["best_model_checkpoint"]?.stringValue, "runs/tiny/checkpoint-6")
        XCTAssertEqual(state["log_history"]?.elements?.count, 14)
        XCTAssertEqual(state["log_history"]?.elements?[6]["eval_accuracy"]?.doubleValue, 0.875)
        XCTAssertEqual(state["log_history"]?.elements?[0]["loss"]?.doubleValue, 0.75 - 1.0 / 64)
        // The model: transformers' logits on its texts are ours within 1e-4 (float32 sums in another order).
        let session = Session()
        try session.load(model: committed.path)
        let texts = try XCTUnwrap(reference["texts"]?.elements?.compactMap(\.stringValue))
        let theirs = try XCTUnwrap(reference["logits"]?.elements?.map { try XCTUnwrap($0.elements?.compactMap(\.doubleValue)) })
        for (text, row) in zip(texts, theirs) {
            let ours = try XCTUnwrap(session.model!.infer(text).logits)
            XCTAssertEqual(ours.count, row.count)
            for (a, b) in zip(ours, row) { XCTAssertEqual(Double(a), b, accuracy: 1e-4, text) }
        }
    }
}
