import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// `ParameterGradients.none` (what explain runs) skips the weight GEMMs and LayerNorm reductions
/// of the backward: the gradient at the embeddings and the attributions must come out the same,
/// bit for bit, as with `.all` (the training path), and the gradient buffer must be left as it was.
final class ParameterGradientsTests: XCTestCase {
    private func explainCase() throws -> (ids: [Int32], types: [Int32], baseline: [Int32]) {
        let object = try BertFixtures.json("explain.json") as! [String: Any]
        let c = (object["ig"] as! [[String: Any]]).first { $0["model"] as? String == "tiny-cls" }!
        return (BertFixtures.ints(c["input_ids"]), BertFixtures.ints(c["token_type_ids"]), BertFixtures.ints(c["baseline_ids"]))
    }

    /// Two rows: the text and its baseline, their embeddings' outputs, one target per row.
    private func inputs(_ network: BertNetwork) throws -> (batch: BertBatch, embeddings: [Float], targets: [Int]) {
        let c = try explainCase()
        let batch = try BertBatch(batchSize: 2, sequenceLength: c.ids.count, inputIds: c.ids + c.baseline,
                                  tokenTypeIds: c.types + c.types)
        let targets = [2, 1].map { $0 % network.config.numLabels }
        return (batch, try network.embeddingOutput(batch).embeddings, targets)
    }

    private func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    func testTheGradientAtTheEmbeddingsIsBitForBitTheSameWithoutParameterGradients() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, embeddings, targets) = try inputs(network)
        let all = try network.logitGradientAtEmbeddings(batch, embeddings: embeddings, targets: targets,
                                                        parameterGradients: .all)
        let none = try network.logitGradientAtEmbeddings(batch, embeddings: embeddings, targets: targets,
                                                         parameterGradients: .none)
        XCTAssertTrue(all.gradient.contains { $0 != 0 }, "the gradient is not trivially zero")
        XCTAssertEqual(bits(none.gradient), bits(all.gradient), "d logit / d embeddings, bit for bit")
        XCTAssertEqual(bits(none.logits), bits(all.logits), "logits, bit for bit")
    }

    func testWithoutParameterGradientsTheGradientBufferIsLeftUntouched() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, embeddings, targets) = try inputs(network)
        let sentinel = Float(bitPattern: 0x7FC0_1234)  // a NaN no kernel would write
        network.gradients.pointer.update(repeating: sentinel, count: network.gradients.count)
        _ = try network.logitGradientAtEmbeddings(batch, embeddings: embeddings, targets: targets,
                                                  parameterGradients: .none)
        let changed = network.gradients.array.filter { $0.bitPattern != sentinel.bitPattern }.count
        XCTAssertEqual(changed, 0, "gradient values written by a pass that computes none")
        // `.all` is the path before issue 17's skip: it accumulates, then zeroes, every gradient.
        _ = try network.logitGradientAtEmbeddings(batch, embeddings: embeddings, targets: targets,
                                                  parameterGradients: .all)
        XCTAssertTrue(network.gradients.array.allSatisfy { $0 == 0 }, ".all leaves the gradients zero")
    }

    func testExplainsAttributionsAreBitForBitTheSameWithoutParameterGradients() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let c = try explainCase()
        var ig = IntegratedGradients(network: network)
        ig.parameterGradients = .all
        let all = try ig.attribute(ids: c.ids, typeIds: c.types, baselineIds: c.baseline, target: 2, steps: 50)
        ig.parameterGradients = .none
        let none = try ig.attribute(ids: c.ids, typeIds: c.types, baselineIds: c.baseline, target: 2, steps: 50)
        XCTAssertEqual(none.tokenAttributions.map(\.bitPattern), all.tokenAttributions.map(\.bitPattern),
                       "attributions, bit for bit")
        XCTAssertEqual(none.inputValue.bitPattern, all.inputValue.bitPattern)
        XCTAssertEqual(none.baselineValue.bitPattern, all.baselineValue.bitPattern)
    }
}
