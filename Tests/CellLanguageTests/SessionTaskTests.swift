import Bert
import Display
import Foundation
import XCTest
@testable import CellLanguage

/// Multi-label (JSON-list labels) and regression (real-valued labels) end to end on the tiny
/// model: train, evaluate, predict, save, reload, plots, info, early stopping; and the options
/// that apply to single-label classification only.
final class SessionTaskTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private let sink = RecordingSink()

    override func setUpWithError() throws { workspace = try TinySentimentWorkspace(self) }

    @discardableResult
    private func run(_ engine: Engine, _ code: String, file: StaticString = #filePath, line: UInt = #line) -> CellOutcome {
        engine.run(code, output: sink, file: file, line: line)
    }

    private func json(_ outcome: CellOutcome) -> JSON? { outcome.value?.data[MimeBundle.numbersType] }

    private func doubles(_ value: JSON?) -> [Double] { value?.arrayValue?.compactMap(\.doubleValue) ?? [] }

    private static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    func testMultiLabelTrainsEvaluatesPredictsAndSurvivesSaveAndLoad() throws {
        let path = try TinyModelFixture.writeFile(TinyModelFixture.multiLabelJSONL(), named: "tags.jsonl", in: directory).path
        let engine = Engine()
        run(engine, "load(model: \"\(modelDirectory.path)\", labels: 2)")
        let data = run(engine, "load(dataset: \"\(path)\", validation: 0.25)")
        XCTAssertEqual(json(data)?["task"], "multi_label_classification")
        let model = try XCTUnwrap(engine.session.model)
        XCTAssertEqual(model.labelNames, ["negative", "positive", "story"], "the fresh classifier was resized to the 3 labels")
        XCTAssertEqual(model.config.problemType, "multi_label_classification")

        let before = try engine.session.evaluate()
        // 12 epochs: over seeds 0-9 (the dropout draws) 12 epochs reached a micro F1 of 0.765-0.857
        // on every one, where 8 epochs reached 0.75 on 3 of 10 (measured when dropout's masks were
        // re-keyed for issue 20), so the bound below tests learning, not one lucky draw.
        let trained = run(engine, "train(epochs: 12, lr: 3e-3, batch: 8)")
        XCTAssertEqual(json(trained)?["task"], "multi_label_classification")
        let epochs = try XCTUnwrap(json(trained)?["epochs"]?.arrayValue)
        XCTAssertEqual(epochs.count, 12)
        XCTAssertNotNil(epochs.last?["validation_micro_f1"]?.doubleValue)
        XCTAssertNotNil(epochs.last?["train_accuracy"]?.doubleValue, "subset accuracy of the training batches")
        XCTAssertTrue(sink.stdout.contains("epoch 12/12: train loss"))
        XCTAssertTrue(sink.stdout.contains("subset accuracy") && sink.stdout.contains("micro F1"), sink.stdout)

        let evaluation = run(engine, "evaluate()")
        let metrics = try XCTUnwrap(json(evaluation))
        XCTAssertEqual(metrics["task"], "multi_label_classification")
        let loss = try XCTUnwrap(metrics["loss"]?.doubleValue)
        XCTAssertLessThan(loss, before.loss, "training lowers the validation BCE")
        XCTAssertEqual(doubles(metrics["f1"]).count, 3)
        let validation = try XCTUnwrap(engine.session.dataset?.dataset.validation)
        XCTAssertEqual(validation.count, 12)
        XCTAssertEqual(metrics["support"], JSON((0..<3).map { id in validation.filter { $0.label.classIDs?.contains(id) ?? false }.count }))
        let microF1 = try XCTUnwrap(metrics["micro_f1"]?.doubleValue)
        XCTAssertGreaterThanOrEqual(microF1, 0.75, "keyword-separable labels are learned")
        XCTAssertTrue(evaluation.value?.plainText?.contains("subset accuracy") ?? false)
        XCTAssertNotNil(evaluation.value?.data["text/html"])

        // evaluate's subset accuracy is what predict's label sets give on the same texts.
        let predicted = try engine.session.predict(validation.map(\.text))
        let exact = zip(predicted.items, validation).filter { $0.labelIDs == ($1.label.classIDs ?? []) }.count
        XCTAssertEqual(metrics["subset_accuracy"]?.doubleValue ?? -1, Double(exact) / Double(validation.count), accuracy: 1e-12)

        let prediction = run(engine, "predict(\"the story was very superb .\")")
        let item = try XCTUnwrap(json(prediction)?["predictions"]?.arrayValue?.first)
        let logits = doubles(item["logits"])
        let probabilities = doubles(item["probabilities"])
        XCTAssertEqual(logits.count, 3)
        for (p, z) in zip(probabilities, logits) { XCTAssertEqual(p, Self.sigmoid(z), accuracy: 1e-6, "each label's sigmoid") }
        let names = ["negative", "positive", "story"]
        XCTAssertEqual(item["labels"], JSON(names.indices.filter { probabilities[$0] >= 0.5 }.map { names[$0] }))

        // Plots that apply, and one that does not.
        XCTAssertTrue(try engine.session.plot(.accuracy).description.contains("subset accuracy"))
        XCTAssertNoThrow(try engine.session.plot(.loss))
        XCTAssertNoThrow(try engine.session.plot(.labels))
        XCTAssertEqual(engine.execute("plot(\"confusion\")", output: sink).error?.ename, "StateError")
        let info = json(run(engine, "info()"))
        XCTAssertEqual(info?["model"]?["task"], "multi_label_classification")
        XCTAssertEqual(info?["history"]?["task"], "multi_label_classification")

        // save writes problem_type and the label names; a fresh session gets the same model back.
        let saved = directory.appendingPathComponent("tags-model")
        run(engine, "save(to: \"\(saved.path)\")")
        let config = try JSON.parse(Data(contentsOf: saved.appendingPathComponent("config.json")))
        XCTAssertEqual(config["problem_type"], "multi_label_classification")
        XCTAssertEqual(config["id2label"], ["0": "negative", "1": "positive", "2": "story"])
        let fresh = Session()
        let summary = try fresh.load(model: saved.path)
        XCTAssertEqual(summary.json["task"], "multi_label_classification")
        let texts = ["the plot is really dull !", "the music was very good ."]
        let again = try fresh.predict(texts)
        XCTAssertEqual(again.items.map(\.logits), try engine.session.predict(texts).items.map(\.logits))
        XCTAssertEqual(again.items.map(\.labels), try engine.session.predict(texts).items.map(\.labels))
        // The reloaded model evaluates the dataset as the trained one did.
        try fresh.load(dataset: path, validation: 0.25)
        XCTAssertEqual(try fresh.evaluate().loss, loss, accuracy: 1e-6)
    }

    func testRegressionTrainsEvaluatesPredictsAndSurvivesSaveAndLoad() throws {
        let path = try TinyModelFixture.writeFile(TinyModelFixture.regressionCSV(), named: "scores.csv", in: directory).path
        let engine = Engine()
        run(engine, "load(model: \"\(modelDirectory.path)\", labels: 2)")
        let data = run(engine, "load(dataset: \"\(path)\", label: \"score\", validation: 0.25)")
        XCTAssertEqual(json(data)?["task"], "regression")
        XCTAssertEqual(json(data)?["target"]?["min"]?.doubleValue, 0.25, "the lowest score of the file")
        XCTAssertEqual(json(data)?["target"]?["max"]?.doubleValue, 4.75)
        XCTAssertTrue(data.value?.plainText?.contains("regression on score") ?? false, data.value?.plainText ?? "")
        XCTAssertEqual(engine.session.model?.labelNames, ["score"], "one output, named after the label column")
        XCTAssertEqual(engine.session.model?.config.problemType, "regression")

        let before = try engine.session.evaluate()
        // Scores around 2.5 from an output near 0: a larger step than classification needs, but
        // not 2e-2, where some dropout streams collapse to predicting the mean (9 of 9 seeds fit here).
        let trained = run(engine, "train(epochs: 30, lr: 1e-2, batch: 8)")
        let epochs = try XCTUnwrap(json(trained)?["epochs"]?.arrayValue)
        XCTAssertEqual(epochs.last?["train_accuracy"], .null, "regression has no accuracy")
        XCTAssertNotNil(epochs.last?["validation_pearson"]?.doubleValue)
        XCTAssertNotNil(epochs.last?["validation_mae"]?.doubleValue)
        XCTAssertFalse(sink.stdout.contains("accuracy"), sink.stdout)
        XCTAssertTrue(sink.stdout.contains("Pearson"), sink.stdout)

        let evaluation = run(engine, "evaluate()")
        let metrics = try XCTUnwrap(json(evaluation))
        XCTAssertEqual(metrics["task"], "regression")
        let mse = try XCTUnwrap(metrics["mse"]?.doubleValue)
        XCTAssertEqual(try XCTUnwrap(metrics["loss"]?.doubleValue), mse, accuracy: 1e-9, "the loss is the MSE")
        // Margins wide enough for any dropout stream (the masks follow the batch shapes).
        XCTAssertLessThan(mse, before.loss / 2, "training fits the scores")
        XCTAssertGreaterThan(try XCTUnwrap(metrics["pearson"]?.doubleValue), 0.8)
        XCTAssertNotNil(metrics["spearman"]?.doubleValue)
        let errors = try XCTUnwrap(metrics["largest_errors"]?.arrayValue)
        XCTAssertEqual(errors.count, 5)
        let sizes = errors.compactMap { $0["error"]?.doubleValue }.map(abs)
        XCTAssertEqual(sizes, sizes.sorted(by: >), "largest first")
        XCTAssertTrue(evaluation.value?.plainText?.contains("largest errors") ?? false)

        // MSE and MAE from predict's values and the known scores, computed here.
        let validation = try XCTUnwrap(engine.session.dataset?.dataset.validation)
        let values = try engine.session.predict(validation.map(\.text)).items.compactMap(\.value)
        let targets = validation.compactMap(\.label.value)
        XCTAssertEqual(values.count, 12)
        let squared = zip(values, targets).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / 12
        let absolute = zip(values, targets).map { abs($0 - $1) }.reduce(0, +) / 12
        XCTAssertEqual(mse, squared, accuracy: 1e-6)
        XCTAssertEqual(metrics["mae"]?.doubleValue ?? -1, absolute, accuracy: 1e-6)
        XCTAssertEqual(errors.first?["error"]?.doubleValue.map(abs) ?? -1,
                       zip(values, targets).map { abs($0 - $1) }.max() ?? 0, accuracy: 1e-6)

        let prediction = json(run(engine, "predict(\"the film was very great .\")"))
        let item = try XCTUnwrap(prediction?["predictions"]?.arrayValue?.first)
        XCTAssertEqual(item["value"]?.doubleValue ?? .nan, doubles(item["logits"]).first ?? .nan, accuracy: 1e-6)
        let negative = json(run(engine, "predict(\"the film is really awful .\")"))?["predictions"]?.arrayValue?.first
        XCTAssertGreaterThan(item["value"]?.doubleValue ?? 0, negative?["value"]?.doubleValue ?? .infinity,
                             "a positive text scores above a negative one")

        for kind in ["accuracy", "confusion", "labels"] {
            let error = engine.execute("plot(\"\(kind)\")", output: sink).error
            XCTAssertEqual(error?.ename, "StateError", kind)
            XCTAssertTrue(error?.evalue.contains("regression") ?? false, error?.evalue ?? "")
        }
        XCTAssertNoThrow(try engine.session.plot(.loss))
        XCTAssertEqual(json(run(engine, "info()"))?["model"]?["task"], "regression")

        let saved = directory.appendingPathComponent("score-model")
        try engine.session.save(to: saved.path)
        let config = try JSON.parse(Data(contentsOf: saved.appendingPathComponent("config.json")))
        XCTAssertEqual(config["problem_type"], "regression")
        XCTAssertEqual(config["id2label"], ["0": "score"])
        let fresh = Session()
        try fresh.load(model: saved.path)
        let texts = ["the acting is really awful !", "the story was very fine ."]
        XCTAssertEqual(try fresh.predict(texts).items.map(\.value), try engine.session.predict(texts).items.map(\.value))
    }

    func testRegressionEarlyStoppingRestoresTheEpochWithTheLowestValidationMSE() throws {
        let path = try TinyModelFixture.writeFile(TinyModelFixture.regressionCSV(), named: "scores.csv", in: directory).path
        let session = Session()
        try session.load(model: modelDirectory.path)
        try session.load(dataset: path, label: "score", validation: 0.25)
        // At this learning rate the validation MSE rises again early (a plateau before the fit).
        let report = try session.train(TrainOptions(epochs: 6, lr: 2e-2, batch: 8, patience: 1))
        let best = try XCTUnwrap(report.outcome.bestEpoch)
        let losses = report.epochs.compactMap(\.validationLoss)
        XCTAssertEqual(losses.indices.min { losses[$0] < losses[$1] }, best)
        XCTAssertTrue(report.outcome.stoppedEarly)
        XCTAssertLessThan(best, losses.count - 1, "the restored weights are not the last epoch's")
        XCTAssertEqual(try session.evaluate().loss, losses[best], accuracy: 1e-5, "the best epoch's weights are back")
    }

    func testLabelSmoothingReachesTheLossAndIsRecorded() throws {
        let path = dataPath
        func firstLosses(_ smoothing: Double) throws -> (Session, [Double]) {
            let session = Session()
            try session.load(model: modelDirectory.path, labels: 2)
            try session.load(dataset: path, validation: 0.25)
            try session.train(TrainOptions(epochs: 1, lr: 1e-3, batch: 8, labelSmoothing: smoothing))
            return (session, session.history.steps.map(\.loss))
        }
        let (smoothed, withSmoothing) = try firstLosses(0.1)
        let (_, without) = try firstLosses(0)
        XCTAssertEqual(smoothed.optimizer?.step.options.loss.labelSmoothing, 0.1)
        XCTAssertNotEqual(withSmoothing.first, without.first, "the smoothed cross-entropy is another loss")
        let engine = Engine(registry: CommandRegistry.standard(), session: smoothed)
        let report = json(run(engine, "train(epochs: 1, lr: 1e-3, batch: 8, labelSmoothing: 0.2)"))
        XCTAssertEqual(report?["hyperparameters"]?["labelSmoothing"], .double(0.2))
    }

    func testOptionsOfAnotherTaskAndMismatchedModelsAreClearErrorsThatKeepTheState() throws {
        let tags = try TinyModelFixture.writeFile(TinyModelFixture.multiLabelJSONL(), named: "tags.jsonl", in: directory).path
        let scores = try TinyModelFixture.writeFile(TinyModelFixture.regressionCSV(), named: "scores.csv", in: directory).path
        let reviews = dataPath
        let session = Session()
        try session.load(model: modelDirectory.path)
        func argument(_ options: TrainOptions) -> String? {
            do {
                try session.train(options)
                return nil
            } catch let error as SessionError {
                XCTAssertEqual(error.kind, .argument, error.message)
                return error.argument
            } catch {
                XCTFail("\(error)")
                return nil
            }
        }
        try session.load(dataset: reviews, validation: 0.25)
        XCTAssertEqual(argument(TrainOptions(labelSmoothing: 1)), "labelSmoothing")
        XCTAssertEqual(argument(TrainOptions(labelSmoothing: -0.1)), "labelSmoothing")
        XCTAssertEqual(argument(TrainOptions(labelSmoothing: .nan)), "labelSmoothing")
        try session.load(dataset: tags, validation: 0.25)
        XCTAssertEqual(argument(TrainOptions(labelSmoothing: 0.1)), "labelSmoothing")
        XCTAssertEqual(argument(TrainOptions(classWeights: true)), "classWeights")
        try session.load(dataset: scores, label: "score", validation: 0.25)
        XCTAssertEqual(argument(TrainOptions(classWeights: true)), "classWeights")
        XCTAssertEqual(argument(TrainOptions(labelSmoothing: 0.1)), "labelSmoothing")
        XCTAssertNil(session.optimizer, "nothing was trained")
        XCTAssertTrue(session.history.isEmpty)

        // A trained regression model and a classification dataset: a StateError, nothing lost.
        try session.train(TrainOptions(epochs: 1, lr: 1e-3, batch: 16))
        let weights = session.model!.network.parameters.array
        let summary = try session.load(dataset: tags, validation: 0.25)
        XCTAssertTrue(summary.note?.contains("warning") ?? false, summary.note ?? "")
        for attempt in [{ try session.train(TrainOptions(epochs: 1)) }, { _ = try session.evaluate() }] as [() throws -> Void] {
            XCTAssertThrowsError(try attempt()) { error in
                XCTAssertEqual((error as? SessionError)?.kind, .state)
                XCTAssertTrue((error as? SessionError)?.message.contains("regression") ?? false, "\(error)")
            }
        }
        XCTAssertEqual(session.model!.network.parameters.array, weights)
        XCTAssertEqual(session.model?.labelNames, ["score"])
        XCTAssertEqual(session.optimizer?.step.step, 3)
    }
}
