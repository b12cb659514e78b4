import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// Ten AdamW steps (warmup + linear decay, clipping at 1.0, weight decay 0.05 without decay on
/// biases and LayerNorm, two accumulated micro-batches per step) against PyTorch + transformers.
final class TrainingParityTests: XCTestCase {
    func testTenAdamWStepsReachPyTorchLossesWithin1e3() throws {
        let fixture = try BertFixtures.json("tiny_adamw.json") as! [String: Any]
        let settings = fixture["settings"] as! [String: Any]
        let batches = try (fixture["batches"] as! [[String: Any]]).map { object in
            (try BertFixtures.batch(object), BertLabels.classes(BertFixtures.ints(object["labels"])))
        }
        let steps = fixture["steps"] as! [[String: Any]]
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let options = TrainingStep.Options(
            learningRate: (settings["lr"] as! NSNumber).floatValue,
            warmupSteps: settings["warmup_steps"] as! Int, totalSteps: settings["total_steps"] as! Int,
            weightDecay: (settings["weight_decay"] as! NSNumber).floatValue,
            maxGradNorm: (settings["max_grad_norm"] as! NSNumber).floatValue, dropoutSeed: nil)
        let training = try TrainingStep(network: network, options: options)
        let accumulate = settings["accumulate"] as! Int
        var micro = 0
        for (index, expected) in steps.enumerated() {
            let group = (0..<accumulate).map { _ -> (BertBatch, BertLabels) in
                defer { micro += 1 }
                return batches[micro % batches.count]
            }
            let result = try training.run(group)
            let expectedLosses = BertFixtures.floats(expected["micro_losses"])
            for (ours, theirs) in zip(result.microLosses, expectedLosses) {
                XCTAssertEqual(ours, theirs, accuracy: 1e-3, "step \(index) loss")
            }
            XCTAssertEqual(result.learningRate, (expected["lr"] as! NSNumber).floatValue, accuracy: 1e-9, "step \(index) lr")
            XCTAssertEqual(result.gradientNorm, (expected["grad_norm"] as! NSNumber).floatValue, accuracy: 1e-3,
                           "step \(index) gradient norm")
        }
        XCTAssertEqual(training.step, steps.count)
        let final = try network.loss(batches[0].0, labels: batches[0].1)
        XCTAssertEqual(final, (fixture["final_loss_on_batch0"] as! NSNumber).floatValue, accuracy: 1e-3, "loss after training")
    }

    func testLinearScheduleMatchesTransformersFormula() {
        let schedule = LinearSchedule(peakLearningRate: 1, warmupSteps: 3, totalSteps: 10)
        let expected: [Double] = [0, 1.0 / 3, 2.0 / 3, 1, 6.0 / 7, 5.0 / 7, 4.0 / 7, 3.0 / 7, 2.0 / 7, 1.0 / 7, 0]
        XCTAssertEqual((0..<11).map { schedule.factor(at: $0) }, expected)
        XCTAssertEqual(LinearSchedule(peakLearningRate: 1, warmupSteps: 0, totalSteps: 4).factor(at: 0), 1)
    }

    func testNonFiniteLossThrowsAndLeavesWeightsUntouched() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, _) = try BertFixtures.tinyInputs()
        network.parameter("classifier.bias")![0] = .nan
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
