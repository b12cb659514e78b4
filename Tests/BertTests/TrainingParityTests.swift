import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// Ten AdamW steps (warmup + linear decay, clipping at 1.0, weight decay 0.05 without decay on
/// biases and LayerNorm, two accumulated micro-batches per step) against PyTorch + transformers,
/// for each loss of `BertForSequenceClassification` and for label smoothing.
final class TrainingParityTests: XCTestCase {
    func testTenAdamWStepsReachPyTorchLossesWithin1e3() throws {
        let fixture = try BertFixtures.json("tiny_adamw.json") as! [String: Any]
        let batches = try Self.batches(of: fixture) { .classes(BertFixtures.ints($0["labels"])) }
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        try assertTenSteps(of: network, on: batches, match: fixture, settings: fixture["settings"] as! [String: Any])
    }

    // The same ten steps for the other losses (scripts/reference/model_fixtures.py, write_adamw_tasks):
    // the multi-label and regression losses as transformers picks them from problem_type, and
    // torch's CrossEntropyLoss(label_smoothing: 0.1) on the classifier's logits.

    func testTenMultiLabelBCEStepsReachPyTorchLossesWithin1e3() throws {
        let fixture = try BertFixtures.json("tiny_adamw_tasks.json") as! [String: Any]
        let batches = try Self.batches(of: fixture) { .multiLabel(BertFixtures.floats($0["multi_labels"])) }
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        try network.updateConfig { $0.problemType = "multi_label_classification" }
        try assertTenSteps(of: network, on: batches, match: Self.taskCase("multi_label", of: fixture),
                           settings: fixture["settings"] as! [String: Any])
    }

    func testTenRegressionMSEStepsReachPyTorchLossesWithin1e3() throws {
        let fixture = try BertFixtures.json("tiny_adamw_tasks.json") as! [String: Any]
        let batches = try Self.batches(of: fixture) { .regression(BertFixtures.floats($0["values"])) }
        // tiny-cls's encoder under a new one-output classifier whose weights the fixture gives.
        let (network, report) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier, labels: ["score"])
        XCTAssertTrue(report.classifierReplaced)
        XCTAssertEqual(network.config.resolvedProblemType, .regression)
        let classifier = fixture["regression_classifier"] as! [String: Any]
        for (name, key) in [("classifier.weight", "weight"), ("classifier.bias", "bias")] {
            let values = BertFixtures.floats(classifier[key])
            let parameter = try XCTUnwrap(network.mutableParameter(name))
            XCTAssertEqual(parameter.count, values.count, name)
            for (i, value) in values.enumerated() { parameter[i] = value }
        }
        try assertTenSteps(of: network, on: batches, match: Self.taskCase("regression", of: fixture),
                           settings: fixture["settings"] as! [String: Any])
    }

    func testTenLabelSmoothedCrossEntropyStepsReachPyTorchLossesWithin1e3() throws {
        let fixture = try BertFixtures.json("tiny_adamw_tasks.json") as! [String: Any]
        let batches = try Self.batches(of: fixture) { .classes(BertFixtures.ints($0["class_labels"])) }
        let expected = Self.taskCase("label_smoothing", of: fixture)
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        try assertTenSteps(of: network, on: batches, match: expected, settings: fixture["settings"] as! [String: Any],
                           loss: LossOptions(labelSmoothing: (expected["label_smoothing"] as! NSNumber).floatValue))
    }

    /// The fixture's batches, each with the labels `labels` reads from the batch's object.
    private static func batches(of fixture: [String: Any],
                                labels: ([String: Any]) -> BertLabels) throws -> [(BertBatch, BertLabels)] {
        try (fixture["batches"] as! [[String: Any]]).map { (try BertFixtures.batch($0), labels($0)) }
    }

    private static func taskCase(_ name: String, of fixture: [String: Any]) -> [String: Any] {
        (fixture["cases"] as! [String: Any])[name] as! [String: Any]
    }

    /// Runs the fixture's ten `TrainingStep`s (batches cycled, `accumulate` per step) and checks each
    /// micro-batch loss and gradient norm within 1e-3, the learning rate, and the loss after training.
    private func assertTenSteps(of network: BertNetwork, on batches: [(BertBatch, BertLabels)], match expected: [String: Any],
                                settings: [String: Any], loss: LossOptions = LossOptions(),
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let steps = expected["steps"] as! [[String: Any]]
        let options = TrainingStep.Options(
            learningRate: (settings["lr"] as! NSNumber).floatValue,
            warmupSteps: settings["warmup_steps"] as! Int, totalSteps: settings["total_steps"] as! Int,
            weightDecay: (settings["weight_decay"] as! NSNumber).floatValue,
            maxGradNorm: (settings["max_grad_norm"] as! NSNumber).floatValue, loss: loss, dropoutSeed: nil)
        let training = try TrainingStep(network: network, options: options)
        let accumulate = settings["accumulate"] as! Int
        var micro = 0
        for (index, step) in steps.enumerated() {
            let group = (0..<accumulate).map { _ -> (BertBatch, BertLabels) in
                defer { micro += 1 }
                return batches[micro % batches.count]
            }
            let result = try training.run(group)
            let expectedLosses = BertFixtures.floats(step["micro_losses"])
            XCTAssertEqual(result.microLosses.count, expectedLosses.count, file: file, line: line)
            for (ours, theirs) in zip(result.microLosses, expectedLosses) {
                XCTAssertEqual(ours, theirs, accuracy: 1e-3, "step \(index) loss", file: file, line: line)
            }
            XCTAssertEqual(result.learningRate, (step["lr"] as! NSNumber).floatValue, accuracy: 1e-9, "step \(index) lr",
                           file: file, line: line)
            XCTAssertEqual(result.gradientNorm, (step["grad_norm"] as! NSNumber).floatValue, accuracy: 1e-3,
                           "step \(index) gradient norm", file: file, line: line)
        }
        XCTAssertEqual(training.step, steps.count, file: file, line: line)
        let final = try network.loss(batches[0].0, labels: batches[0].1, options: loss)
        XCTAssertEqual(final, (expected["final_loss_on_batch0"] as! NSNumber).floatValue, accuracy: 1e-3, "loss after training",
                       file: file, line: line)
    }

    func testLinearScheduleMatchesTransformersFormula() {
        let schedule = LearningRateSchedule(kind: .linear, peakLearningRate: 1, warmupSteps: 3, totalSteps: 10)
        let expected: [Double] = [0, 1.0 / 3, 2.0 / 3, 1, 6.0 / 7, 5.0 / 7, 4.0 / 7, 3.0 / 7, 2.0 / 7, 1.0 / 7, 0]
        XCTAssertEqual((0..<11).map { schedule.factor(at: $0) }, expected)
        XCTAssertEqual(LearningRateSchedule(kind: .linear, peakLearningRate: 1, warmupSteps: 0, totalSteps: 4).factor(at: 0), 1)
    }

    func testNonFiniteLossThrowsAndLeavesWeightsUntouched() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, _) = try BertFixtures.tinyInputs()
        network.mutableParameter("classifier.bias")![0] = .nan
        let before = network.parameters.array
        let training = try TrainingStep(network: network, options: .init(learningRate: 1e-3, totalSteps: 10, dropoutSeed: nil))
        XCTAssertThrowsError(try training.run([(batch, .classes([0, 1, 2]))])) { error in
            XCTAssertEqual((error as? BertError)?.kind, .numeric)
        }
        XCTAssertEqual(network.parameters.array.map(\.bitPattern), before.map(\.bitPattern))
        XCTAssertEqual(training.step, 0)
    }

    func testDropoutTrainingIsReproducibleFromItsSeedAndDiffersFromNoDropout() throws {
        func losses(seed: UInt64?) throws -> [Float] {
            let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
            let (batch, _) = try BertFixtures.tinyInputs()
            let training = try TrainingStep(network: network, options: .init(learningRate: 1e-3, totalSteps: 3, dropoutSeed: seed))
            return try (0..<3).map { _ in try training.run([(batch, .classes([2, 0, 1]))]).loss }
        }
        XCTAssertEqual(try losses(seed: 7), try losses(seed: 7))
        XCTAssertNotEqual(try losses(seed: 7), try losses(seed: nil))
    }
}
