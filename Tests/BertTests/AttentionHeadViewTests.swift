import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// The neuron view's numbers against transformers (scripts/reference/explain_fixtures.py and
/// model_fixtures.py): q·k/√d and the attention probabilities within 1e-5 of
/// `output_attentions=True`, and its softmax of the scores equal to the probabilities the
/// forward pass used. 1e-5: the probabilities are at most 1 and float32 softmax over a few dozen
/// keys is good to a few ulps; the scores of MiniLM are O(10), where float32 dot products of 32
/// terms keep about 1e-6 relative on every OpenBLAS core.
final class AttentionHeadViewTests: XCTestCase {
    func testMiniLMLayer3Head5MatchesTransformersWithin1e5() throws {
        let directory = try FixturePaths.requireMiniLM()
        let (network, _) = try BertCheckpoint.load(from: directory)
        let fixture = (try BertFixtures.json("explain.json") as! [String: Any])["neuron"] as! [String: Any]
        let ids = BertFixtures.ints(fixture["input_ids"])
        let view = try AttentionHeadView(network: network, batch: try BertBatch(batchSize: 1, sequenceLength: ids.count, inputIds: ids),
                                         layer: fixture["layer"] as! Int, head: fixture["head"] as! Int)
        func flat(_ key: String) -> [Float] { BertFixtures.floats(fixture[key]) }
        func flat(_ rows: [[Double]]) -> [Float] { rows.joined().map(Float.init) }
        Closeness.assertMaxAbs(flat(view.query), flat("query"), tolerance: 1e-4, "query vectors")
        Closeness.assertMaxAbs(flat(view.key), flat("key"), tolerance: 1e-4, "key vectors")
        Closeness.assertRelativeToMax(flat(view.scores), flat("scores"), tolerance: 1e-5, "q.k / sqrt(d)")
        Closeness.assertMaxAbs(flat(view.probabilities), flat("probabilities"), tolerance: 1e-5, "attention probabilities")
        let recomputed = (0..<ids.count).map { view.softmax(row: $0) }
        Closeness.assertMaxAbs(flat(recomputed), flat("probabilities"), tolerance: 1e-5, "softmax of the scores")
        Closeness.assertMaxAbs(flat(view.value), flat("value"), tolerance: 1e-4, "value vectors")
        Closeness.assertMaxAbs(flat(view.context), flat("context"), tolerance: 1e-4, "the head's context")
    }

    func testTinySoftmaxOfScoresEqualsTransformersAttentionsWithin1e5() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tiny)
        let (_, object) = try BertFixtures.tinyInputs()
        let row = 1, n = (object["attention_mask"] as! [[Int]])[row].reduce(0, +)
        let ids = Array((object["input_ids"] as! [[Int]])[row].prefix(n))
        let types = Array((object["token_type_ids"] as! [[Int]])[row].prefix(n))
        let expected = try BertFixtures.tensors("tiny_outputs.safetensors").floats("attentions.1")   // (B, H, T, T)
        let T = 12, H = network.config.numAttentionHeads
        for head in 0..<H {
            let view = try AttentionHeadView(network: network, batch: try BertBatch(inputIds: [ids], tokenTypeIds: [types]),
                                             layer: 1, head: head)
            for i in 0..<n {
                let reference = (0..<n).map { expected[((row * H + head) * T + i) * T + $0] }
                Closeness.assertMaxAbs(view.softmax(row: i).map(Float.init), reference, tolerance: 1e-5, "head \(head) row \(i)")
                Closeness.assertMaxAbs(view.probabilities[i].map(Float.init), reference, tolerance: 1e-5, "head \(head) row \(i)")
            }
        }
    }
}
