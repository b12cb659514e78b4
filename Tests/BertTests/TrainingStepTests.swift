import Foundation
import Numerics
import XCTest
@testable import Bert

/// The one optimizer step: the dropout seeds it derives, and what it reports per micro-batch.
final class TrainingStepTests: XCTestCase {
    /// The rule seed = base + (step · stride + microBatch + offset) · φ (mod 2⁶⁴), checked against
    /// numbers computed outside Swift (Python integers), for both numberings.
    func testDropoutSeedsFollowTheOneRuleInBothNumberingsExactly() {
        XCTAssertEqual(TrainingStep.dropoutSeed(base: 5, step: 2, microBatch: 1, numbering: .fineTuning),
                       5_602_971_819_347_297_048, "5 + (2 · 1000003 + 1) · φ")
        XCTAssertEqual(TrainingStep.dropoutSeed(base: 42, step: 3, microBatch: 0, numbering: .preTraining),
                       8_709_371_129_873_690_750, "42 + (3 + 1) · φ")
        XCTAssertEqual(TrainingStep.dropoutSeed(base: 0, step: 0, microBatch: 0, numbering: .fineTuning), 0)
    }

    /// Two micro-batches with dropout: the step reports each one's seed by the rule, its loss as
    /// `forwardBackward` computes it with that seed (bit for bit), and (B, L) logits; without
    /// dropout the training-mode logits are the inference logits (within 1e-5).
    func testEachMicroBatchReportsItsSeedLossAndLogits() throws {
        let (batch, _) = try BertFixtures.tinyInputs()
        let labels: [BertLabels] = [.classes([0, 1, 2]), .classes([2, 0, 1])]
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let step = try TrainingStep(network: network, options: .init(learningRate: 1e-3, totalSteps: 4, dropoutSeed: 7))
        _ = try step.run([(batch, labels[0])])
        let result = try step.run(labels.map { (batch, $0) })
        XCTAssertEqual(result.step, 2)

        let (reference, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let referenceStep = try TrainingStep(network: reference, options: .init(learningRate: 1e-3, totalSteps: 4, dropoutSeed: 7))
        _ = try referenceStep.run([(batch, labels[0])])
        for (index, micro) in result.microBatches.enumerated() {
            let seed = TrainingStep.dropoutSeed(base: 7, step: 1, microBatch: index, numbering: .fineTuning)
            XCTAssertEqual(micro.dropoutSeed, seed)
            let report = try reference.forwardBackward(batch, labels: labels[index], scale: 0.5, dropoutSeed: seed)
            XCTAssertEqual(micro.loss.bitPattern, report.loss.bitPattern, "micro-batch \(index)")
            XCTAssertEqual(micro.logits?.count, batch.batchSize * network.config.numLabels)
            XCTAssertNil(micro.maskedLMLoss)
        }
        XCTAssertEqual(result.microLosses, result.microBatches.map(\.loss))

        let (plain, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let inference = try XCTUnwrap(try plain.infer(batch).logits)
        let noDropout = try TrainingStep(network: plain, options: .init(learningRate: 1e-3, totalSteps: 1, dropoutSeed: nil))
        let logits = try XCTUnwrap(try noDropout.run([(batch, labels[0])]).microBatches[0].logits)
        XCTAssertEqual(logits.count, inference.count)
        for (a, b) in zip(logits, inference) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    /// A pre-training batch: the step reports the MLM and NSP parts (summing to the loss within
    /// 1e-6) and no logits; `PretrainingRun` seeds it in the `.preTraining` numbering.
    func testPretrainingBatchesReportBothLossPartsAndTheRunsNumbering() throws {
        let fixture = try BertFixtures.json("tiny_pretrain_steps.json") as! [String: Any]
        let object = (fixture["batches"] as! [[String: Any]])[0]
        let batch = try BertFixtures.batch(object)
        let labels = BertLabels.preTraining(maskedLM: BertFixtures.ints(object["mlm_labels"]),
                                            nextSentence: BertFixtures.ints(object["nsp_labels"]))
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tiny)
        var options = PretrainingOptions()
        let stepOptions = PretrainingRun.stepOptions(options)
        XCTAssertEqual(stepOptions.dropoutNumbering, .preTraining)
        XCTAssertEqual(stepOptions.dropoutSeed, options.seed)
        let step = try TrainingStep(network: network, options: stepOptions)
        let micro = try step.run([(batch, labels)]).microBatches[0]
        XCTAssertEqual(micro.dropoutSeed, TrainingStep.dropoutSeed(base: options.seed, step: 0, microBatch: 0, numbering: .preTraining))
        XCTAssertNil(micro.logits)
        XCTAssertEqual(try XCTUnwrap(micro.maskedLMLoss) + XCTUnwrap(micro.nextSentenceLoss), micro.loss, accuracy: 1e-6)
        options.dropout = 0
        XCTAssertNil(PretrainingRun.stepOptions(options).dropoutSeed)
    }
}
