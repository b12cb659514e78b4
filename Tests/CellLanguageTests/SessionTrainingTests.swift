@testable import Bert
import Display
import Foundation
import XCTest
@testable import CellLanguage

/// load -> train -> evaluate -> save -> load -> predict on a tiny random model, through the cell
/// language and the typed Session API.
final class SessionTrainingTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private let sink = RecordingSink()

    override func setUpWithError() throws {
        workspace = try TinySentimentWorkspace(self)
    }

    private func run(_ engine: Engine, _ code: String, file: StaticString = #filePath, line: UInt = #line) -> CellOutcome {
        let outcome = engine.execute(code, output: sink)
        if let error = outcome.error { XCTFail("cell failed: \(error)", file: file, line: line) }
        return outcome
    }

    private func json(_ outcome: CellOutcome) -> JSON? { outcome.value?.data[MimeBundle.numbersType] }

    func testLoadTrainEvaluateLearnsTheSeparableDataset() throws {
        let engine = Engine()
        let load = run(engine, "load(model: \"\(modelDirectory.path)\", labels: 2)")
        XCTAssertEqual(json(load)?["classifier_fresh"], .bool(true))
        XCTAssertEqual(json(load)?["initialized"]?.arrayValue?.contains(.string("classifier.weight")), true)
        let data = run(engine, "load(dataset: \"\(dataPath)\", validation: 0.25)")
        XCTAssertEqual(json(data)?["train"], .int(36))
        XCTAssertEqual(json(data)?["validation"], .int(12))
        // The fresh classifier took the dataset's label names.
        XCTAssertEqual(engine.session.model?.labelNames, ["negative", "positive"])

        let before = try engine.session.evaluate(split: "validation")
        let trained = run(engine, "train(epochs: 8, lr: 3e-3, batch: 8, warmup: 0.1)")
        let epochs = try XCTUnwrap(json(trained)?["epochs"]?.arrayValue)
        XCTAssertEqual(epochs.count, 8)
        XCTAssertEqual(json(trained)?["optimizer_step"], .int(8 * 5))   // 36 examples / 8 per batch = 5 steps an epoch
        let history = engine.session.history
        XCTAssertEqual(history.steps.map(\.step), Array(1...40))
        XCTAssertEqual(history.tokenLengths.count, 36)
        XCTAssertEqual(history.maxLength, 128)
        XCTAssertTrue(sink.events.contains { if case .update = $0 { return true } else { return false } } ||
                      sink.events.contains { if case .display(_, let id) = $0 { return id != nil } else { return false } },
                      "train shows a progress display")
        XCTAssertTrue(sink.stdout.contains("epoch 8/8: train loss"))

        let after = run(engine, "evaluate()")
        let accuracy = try XCTUnwrap(json(after)?["accuracy"]?.doubleValue)
        let loss = try XCTUnwrap(json(after)?["loss"]?.doubleValue)
        XCTAssertLessThan(loss, before.loss, "training lowers the validation loss")
        XCTAssertGreaterThanOrEqual(accuracy, 0.75, "a keyword-separable dataset is learned")
        XCTAssertEqual(json(after)?["confusion"]?.arrayValue?.count, 2)
        XCTAssertEqual(engine.session.history.lastConfusion?.matrix.flatMap { $0 }.reduce(0, +), 12)

        // info() reports the optimizer step.
        let info = run(engine, "info()")
        XCTAssertEqual(json(info)?["optimizer"]?["step"], .int(40))
    }

    func testASecondTrainContinuesTheOptimizerStepAndSchedule() throws {
        let session = Session()
        try session.load(model: modelDirectory.path, labels: 2)
        try session.load(dataset: dataPath, validation: 0.25)
        try session.train(TrainOptions(epochs: 1, lr: 1e-3, batch: 8))
        XCTAssertEqual(session.optimizer?.step.step, 5)
        XCTAssertEqual(session.optimizer?.step.options.totalSteps, 5)
        let second = try session.train(TrainOptions(epochs: 2, lr: 1e-3, batch: 8))
        XCTAssertEqual(second.optimizerStep, 15)
        XCTAssertEqual(session.optimizer?.step.options.totalSteps, 15, "the schedule is extended over the new steps")
        XCTAssertEqual(session.history.steps.map(\.step), Array(1...15))
        XCTAssertEqual(session.history.epochs.map(\.epoch), [1, 2, 3])
        // The second run's first step continues the linear decay instead of restarting it:
        // lr(5) = 1e-3 · (15 - 5) / 15.
        XCTAssertEqual(session.history.steps[5].learningRate, 1e-3 * 10 / 15, accuracy: 1e-9)
    }

    func testSaveThenLoadRestoresLabelNamesAndPredictsIdenticalLogits() throws {
        let session = Session()
        try session.load(model: modelDirectory.path, labels: 2)
        try session.load(dataset: dataPath, validation: 0.25)
        try session.train(TrainOptions(epochs: 2, lr: 1e-3, batch: 8))
        let texts = ["the film was very great .", "the plot is really awful !", "unbelievable story"]
        let before = try session.predict(texts)
        let saved = directory.appendingPathComponent("saved")
        try session.save(to: saved.path)
        for file in ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: saved.appendingPathComponent(file).path), file)
        }
        let config = try JSON.parse(Data(contentsOf: saved.appendingPathComponent("config.json")))
        XCTAssertEqual(config["id2label"], ["0": "negative", "1": "positive"])
        XCTAssertEqual(config["label2id"], ["negative": 0, "positive": 1])

        let fresh = Session()
        let summary = try fresh.load(model: saved.path)
        XCTAssertEqual(summary.model.labelNames, ["negative", "positive"])
        XCTAssertFalse(summary.model.classifierIsFresh)
        let after = try fresh.predict(texts)
        for (a, b) in zip(before.items, after.items) {
            XCTAssertEqual(a.logits, b.logits, "identical logits after save and load")
            XCTAssertEqual(a.label, b.label)
        }
        // Saving over an existing model replaces it.
        try fresh.save(to: saved.path)
        XCTAssertEqual(try Session().predict(texts, in: saved).items.map(\.logits), after.items.map(\.logits))
    }

    func testInterruptFromAnotherThreadStopsTrainingAtABatchBoundaryAndTheSessionKeepsWorking() throws {
        let engine = Engine()
        run(engine, "load(model: \"\(modelDirectory.path)\", labels: 2); load(dataset: \"\(dataPath)\", validation: 0.25)")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { engine.interrupt() }
        let started = Date()
        let outcome = engine.execute("train(epochs: 10000, lr: 1e-4, batch: 4)", output: sink)
        XCTAssertEqual(outcome.error?.ename, "KeyboardInterrupt")
        XCTAssertLessThan(Date().timeIntervalSince(started), 60, "10000 epochs were cut short")
        let step = try XCTUnwrap(engine.session.optimizer?.step.step)
        // Consistent state: every optimizer step taken is in the history, once.
        XCTAssertEqual(engine.session.history.steps.map(\.step), Array(0..<step).map { $0 + 1 })
        let weights = engine.session.model!.network.parameters.array
        XCTAssertTrue(weights.allSatisfy(\.isFinite))
        // The session keeps working, and training continues from the same step.
        XCTAssertNil(engine.execute("predict(\"the film was very good .\")", output: sink).error)
        let again = run(engine, "train(epochs: 1, lr: 1e-4, batch: 8)")
        XCTAssertEqual(json(again)?["optimizer_step"], .int(step + 5))
    }

    func testBadInputsGiveClearErrorsAndKeepTheState() throws {
        let engine = Engine()
        func ename(_ code: String) -> String? { engine.execute(code, output: sink).error?.ename }
        XCTAssertEqual(ename("train()"), "StateError")
        XCTAssertEqual(engine.execute("predict(\"x\")", output: sink).error?.evalue, "no model is loaded; run load(model: ...) first")
        XCTAssertEqual(ename("load(model: \"\(directory.path)/missing-model\")"), "FileError")
        XCTAssertEqual(ename("load(model: \"\(modelDirectory.path)\", labels: 0)"), "ArgumentError")
        run(engine, "load(model: \"\(modelDirectory.path)\", labels: 2)")
        XCTAssertEqual(ename("train()"), "StateError", "no dataset")
        // A failing load keeps the previous model.
        let broken = directory.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("{\"hidden_size\": 16}".utf8).write(to: broken.appendingPathComponent("config.json"))
        XCTAssertNotNil(ename("load(model: \"\(broken.path)\")"))
        XCTAssertEqual(engine.session.model?.directory?.path, modelDirectory.standardizedFileURL.path)

        XCTAssertEqual(ename("load(dataset: \"\(directory.path)/none.csv\")"), "FileError")
        run(engine, "load(dataset: \"\(dataPath)\", validation: 0.25)")
        XCTAssertEqual(ename("train(lr: -1)"), "ArgumentError")
        XCTAssertEqual(ename("train(lr: 5)"), "ArgumentError")
        XCTAssertEqual(ename("train(batch: 0)"), "ArgumentError")
        XCTAssertEqual(ename("train(epochs: 0)"), "ArgumentError")
        XCTAssertEqual(ename("train(maxLength: 200)"), "ArgumentError", "more than max_position_embeddings 128")
        XCTAssertEqual(ename("train(maxLength: 64, clip: -1)"), "ArgumentError")
        XCTAssertEqual(ename("train(maxLength: 64, warmup: 2)"), "ArgumentError")
        XCTAssertEqual(ename("tokenize(\"x\", maxLength: 129)"), "ArgumentError")
        XCTAssertEqual(ename("evaluate(split: \"test\")"), "StateError", "no test file")
        XCTAssertEqual(ename("evaluate(split: \"dev\")"), "ArgumentError")
        XCTAssertNil(engine.session.optimizer, "nothing was trained")

        // A NaN in the weights stops training with a NumericError before any update.
        let classifier = try XCTUnwrap(engine.session.model?.network.mutableParameter("classifier.weight"))
        classifier[0] = .nan
        let before = engine.session.model!.network.parameters.array
        let error = engine.execute("train(epochs: 1, maxLength: 64)", output: sink).error
        XCTAssertEqual(error?.ename, "NumericError")
        XCTAssertTrue(error?.evalue.contains("weights of step 0 are kept") ?? false, error?.evalue ?? "")
        let after = engine.session.model!.network.parameters.array
        XCTAssertEqual(after.count, before.count)
        XCTAssertTrue(zip(before, after).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "weights unchanged")
    }

    func testPatienceNeedsValidationAndRestoresTheBestEpoch() throws {
        let session = Session()
        try session.load(model: modelDirectory.path, labels: 2)
        try session.load(dataset: dataPath, validation: 0)
        XCTAssertThrowsError(try session.train(TrainOptions(epochs: 2, patience: 1))) {
            XCTAssertEqual(($0 as? SessionError)?.argument, "patience")
        }
        try session.load(dataset: dataPath, validation: 0.25)
        let report = try session.train(TrainOptions(epochs: 4, lr: 3e-3, batch: 8, patience: 1))
        let best = try XCTUnwrap(report.outcome.bestEpoch)
        let losses = report.epochs.compactMap(\.validationLoss)
        XCTAssertEqual(losses.indices.min { losses[$0] < losses[$1] }, best, "the restored epoch has the lowest validation loss")
        // The restored weights give the best epoch's validation loss again.
        let evaluation = try session.evaluate(split: "validation")
        XCTAssertEqual(evaluation.loss, losses[best], accuracy: 1e-5)
    }

    func testDatasetLabelsResizeAFreshClassifierAndTokenizeShowsWordpieces() throws {
        let engine = Engine()
        run(engine, "load(model: \"\(modelDirectory.path)\", labels: 3)")
        XCTAssertEqual(engine.session.model?.labelNames.count, 3)
        let csv = TinyModelFixture.sentimentCSV(labels: ("good", "bad"))
        let path = try TinyModelFixture.writeFile(csv, named: "two.csv", in: directory).path
        run(engine, "load(dataset: \"\(path)\")")
        XCTAssertEqual(engine.session.model?.labelNames, ["bad", "good"])
        XCTAssertEqual(engine.session.model?.network.config.numLabels, 2)

        let tokens = run(engine, "tokenize(\"The film was unbelievable!\")")
        XCTAssertEqual(json(tokens)?["tokens"], ["[CLS]", "the", "film", "was", "un", "##believ", "##able", "!", "[SEP]"])
        XCTAssertEqual(json(tokens)?["input_ids"]?.arrayValue?.first, .int(2))
        XCTAssertEqual(json(tokens)?["attention_mask"], JSON([Int](repeating: 1, count: 9)))
        XCTAssertTrue(tokens.value?.data["text/html"]?.stringValue?.contains("##believ") ?? false)
        let predictions = run(engine, "predict([\"great\", \"awful\"])")
        let items = try XCTUnwrap(json(predictions)?["predictions"]?.arrayValue)
        XCTAssertEqual(items.count, 2)
        let probabilities = try XCTUnwrap(items[0]["probabilities"]?.arrayValue?.compactMap(\.doubleValue))
        XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-5)
    }
}

extension Session {
    /// Loads `directory` into this session and predicts (a one-liner for the tests).
    fileprivate func predict(_ texts: [String], in directory: URL) throws -> PredictionReport {
        try load(model: directory.path)
        return try predict(texts)
    }
}
