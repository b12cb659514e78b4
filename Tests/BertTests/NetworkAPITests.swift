import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// The smaller promises of the public API.
final class NetworkAPITests: XCTestCase {
    func testSnapshotRestoresTheWeightsAfterTraining() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, _) = try BertFixtures.tinyInputs()
        let before = try network.infer(batch).logits!
        let best = network.snapshotParameters()
        let step = try TrainingStep(network: network, options: .init(learningRate: 1e-2, totalSteps: 5, dropoutSeed: 1))
        _ = try step.run([(batch, .classes([0, 1, 2]))])
        XCTAssertNotEqual(try network.infer(batch).logits!, before)
        try network.restoreParameters(from: best)
        XCTAssertEqual(try network.infer(batch).logits!, before)
    }

    func testInferenceAfterTrainingAndWithAndWithoutAttentionsAgreesExactly() throws {
        // Inference shares one layer's buffers unless attentions are requested; the arenas of
        // the two modes and shapes must not disturb each other.
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tiny)
        let (batch, object) = try BertFixtures.tinyInputs()
        let plain = try network.infer(batch, request: .maskedLM)
        let full = try network.infer(batch, request: [.maskedLM, .attentions, .hiddenStates])
        let labels = BertLabels.preTraining(maskedLM: BertFixtures.ints(object["mlm_labels"]),
                                            nextSentence: BertFixtures.ints(object["nsp_labels"]))
        network.zeroGradients()
        try network.forwardBackward(batch, labels: labels)
        let again = try network.infer(batch, request: .maskedLM)
        XCTAssertEqual(plain.predictionLogits!, full.predictionLogits!)
        XCTAssertEqual(plain.predictionLogits!, again.predictionLogits!)
        XCTAssertEqual(full.attentions!.count, 2)
        XCTAssertEqual(full.hiddenStates!.count, 3)
        XCTAssertNotEqual(full.attentions![0], full.attentions![1])
    }

    func testAShorterBatchReusesTheArenaAndGetsExactlyTheFreshResults() throws {
        // Dynamic padding changes T from batch to batch; a shorter batch carves its slices out
        // of the previous, larger arena, dirty with the longer batch's values. Nothing may read
        // those: the loss, gradients and logits must equal a fresh network's bit for bit.
        let (batch, _) = try BertFixtures.tinyInputs()
        let labels = BertLabels.classes([0, 1, 2])
        let (fresh, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        fresh.zeroGradients()
        let expected = try fresh.forwardBackward(batch, labels: labels, dropoutSeed: 7)
        let expectedLogits = try fresh.infer(batch).logits!

        let (reused, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let B = batch.batchSize, longT = batch.sequenceLength + 5
        var generator = SeededGenerator(seed: 3)
        let longIds = (0..<(B * longT)).map { _ in Int32(1 + Int(generator.next() % 90)) }
        let long = try BertBatch(batchSize: B, sequenceLength: longT, inputIds: longIds)
        try reused.forwardBackward(long, labels: labels, dropoutSeed: 11)
        _ = try reused.infer(long)
        let longArena = try reused.activations(B: B, T: longT, training: true, dropout: true, keepAttentions: false).arena
        reused.zeroGradients()
        let got = try reused.forwardBackward(batch, labels: labels, dropoutSeed: 7)
        XCTAssertTrue(try reused.activations(B: B, T: batch.sequenceLength, training: true, dropout: true,
                                         keepAttentions: false).arena === longArena)
        XCTAssertEqual(got.loss, expected.loss)
        XCTAssertEqual(reused.gradients.array, fresh.gradients.array)
        XCTAssertEqual(try reused.infer(batch).logits!, expectedLogits)
    }

    func testProblemTypeFollowsTransformers() throws {
        var config = BertConfig(vocabSize: 10, hiddenSize: 4, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 8)
        XCTAssertEqual(config.resolvedProblemType, .singleLabel)
        config.setLabels(["score"])
        XCTAssertEqual(config.resolvedProblemType, .regression)
        config.setLabels(["a", "b", "c"])
        config.problemType = "multi_label_classification"
        XCTAssertEqual(config.resolvedProblemType, .multiLabel)
    }

    func testConfigRoundTripsThroughJSONWithLabelsAndUnknownKeys() throws {
        let url = BertFixtures.tinyClassifier.appendingPathComponent("config.json")
        let config = try BertConfig(contentsOf: url)
        let again = try BertConfig(jsonData: try config.jsonData(architecture: "BertForSequenceClassification"))
        XCTAssertEqual(again.labelNames, ["neg", "neu", "pos"])
        XCTAssertEqual(again.extraFields["tie_word_embeddings"], .bool(true))
        XCTAssertEqual(again.layerNormEps, 1e-12)
        XCTAssertEqual(again, config.with { $0.architectures = ["BertForSequenceClassification"] })
    }
}

extension BertConfig {
    func with(_ change: (inout BertConfig) -> Void) -> BertConfig {
        var copy = self
        change(&copy)
        return copy
    }
}
