import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// Forward outputs against transformers on the tiny random checkpoints and on MiniLM.
final class ForwardParityTests: XCTestCase {
    func testTinyPreTrainingOutputsMatchTransformersWithin1e4MaxAbs() throws {
        let (network, report) = try BertCheckpoint.load(from: BertFixtures.tiny)
        XCTAssertEqual(network.heads, .preTraining)
        XCTAssertEqual(report.initialized, [])
        XCTAssertEqual(report.unexpected, [])
        let (batch, _) = try BertFixtures.tinyInputs()
        let out = try network.infer(batch, request: [.maskedLM, .nextSentence, .hiddenStates, .attentions])
        let expected = try BertFixtures.tensors("tiny_outputs.safetensors")
        Closeness.assertMaxAbs(out.lastHiddenState, try expected.floats("hidden_states.2"), tolerance: 1e-4, "last hidden state")
        Closeness.assertMaxAbs(out.pooled!, try expected.floats("pooler_output"), tolerance: 1e-4, "pooled")
        Closeness.assertMaxAbs(out.predictionLogits!, try expected.floats("prediction_logits"), tolerance: 1e-4, "MLM logits")
        Closeness.assertMaxAbs(out.nextSentenceLogits!, try expected.floats("seq_relationship_logits"), tolerance: 1e-4, "NSP logits")
        for (i, hidden) in out.hiddenStates!.enumerated() {
            Closeness.assertMaxAbs(hidden, try expected.floats("hidden_states.\(i)"), tolerance: 1e-4, "hidden state \(i)")
        }
        for (i, attention) in out.attentions!.enumerated() {
            Closeness.assertMaxAbs(attention, try expected.floats("attentions.\(i)"), tolerance: 1e-5, "attentions \(i)")
        }
    }

    func testTinyClassifierLogitsMatchTransformersWithin1e4MaxAbs() throws {
        let (network, report) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        XCTAssertEqual(network.heads, .sequenceClassification)
        XCTAssertEqual(network.config.labelNames, ["neg", "neu", "pos"])
        XCTAssertEqual(report.initialized, [])
        let (batch, _) = try BertFixtures.tinyInputs()
        let out = try network.infer(batch)
        let expected = try BertFixtures.tensors("tiny_outputs.safetensors")
        Closeness.assertMaxAbs(out.logits!, try expected.floats("classification_logits"), tolerance: 1e-4, "logits")
    }

    func testMiniLMHiddenStatesAndPoolerMatchTransformersWithin1e4MaxAbs() throws {
        let directory = try FixturePaths.requireMiniLM()
        let (network, report) = try BertCheckpoint.load(from: directory)
        XCTAssertEqual(report.initialized, [])
        XCTAssertEqual(report.unexpected, [])
        let object = try BertFixtures.json("minilm.json") as! [String: Any]
        let out = try network.infer(try BertFixtures.batch(object))
        let expected = try BertFixtures.tensors("minilm_outputs.safetensors")
        Closeness.assertMaxAbs(out.lastHiddenState, try expected.floats("last_hidden_state"), tolerance: 1e-4, "last hidden state")
        Closeness.assertMaxAbs(out.pooled!, try expected.floats("pooler_output"), tolerance: 1e-4, "pooler output")
    }

    func testBatchOfOneEqualsItsRowInAPaddedBatchWithin1e5() throws {
        // Padding must not leak into real tokens: row 2 alone (unpadded) equals row 2 of the batch.
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, object) = try BertFixtures.tinyInputs()
        let mask = (object["attention_mask"] as! [[Int]])[2]
        let n = mask.reduce(0, +)
        let single = try BertBatch(inputIds: [Array((object["input_ids"] as! [[Int]])[2].prefix(n))],
                                   tokenTypeIds: [Array((object["token_type_ids"] as! [[Int]])[2].prefix(n))])
        let full = try network.infer(batch).logits!
        let alone = try network.infer(single).logits!
        Closeness.assertMaxAbs(alone, Array(full[6..<9]), tolerance: 1e-5, "row 2 logits")
    }
}
