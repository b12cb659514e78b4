import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// The whole network's backward (embeddings, attention, residual blocks, intermediate, pooler,
/// classifier, MLM and NSP heads, every dropout) against central finite differences of its
/// forward, on a micro model with padding. Claim per tensor: max |analytic - numeric| <= 2e-2 ·
/// max(‖numeric‖∞, 5% of the largest gradient anywhere), with a Float32 forward and step 1e-2.
final class NetworkGradientCheckTests: XCTestCase {
    func microNetwork(labels: Int, heads: BertHeads) throws -> BertNetwork {
        var config = BertConfig(vocabSize: 17, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2,
                                intermediateSize: 12, maxPositionEmbeddings: 8)
        config.setLabels((0..<labels).map { "L\($0)" })
        config.initializerRange = 0.4
        config.layerNormEps = 1e-5
        let network = try BertNetwork(config: config, heads: heads)
        var generator = SeededGenerator(seed: 5)
        network.initializeAll(using: &generator)
        var random = TestRandom(seed: 9)
        for entry in network.layout.entries where entry.name.contains("LayerNorm") || entry.name.hasSuffix("bias") {
            let values = network.mutableParameter(entry.name)!
            for i in values.indices { values[i] += random.uniform(0.3) }
        }
        return network
    }

    func batch() throws -> BertBatch {
        try BertBatch(inputIds: [[2, 5, 9, 3, 0], [2, 11, 3, 7, 3]], tokenTypeIds: [[0, 0, 0, 0, 0], [0, 0, 0, 1, 1]],
                      attentionMask: [[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]])
    }

    func checkAllParameters(_ network: BertNetwork, _ labels: BertLabels, dropoutSeed: UInt64?,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        let batch = try batch()
        network.zeroGradients()
        try network.forwardBackward(batch, labels: labels, dropoutSeed: dropoutSeed)
        let analytic = network.gradients.array
        let p = network.parameters.pointer
        let numeric = GradientCheck.numerical(count: network.parameterCount, step: 1e-2,
                                              perturb: { i, d in p[i] += d }) {
            // scale 0: the same forward (and dropout masks) with no gradient added.
            Double((try? network.forwardBackward(batch, labels: labels, scale: 0, dropoutSeed: dropoutSeed).loss) ?? .nan)
        }
        let globalMax = numeric.map(abs).max() ?? 0
        XCTAssertGreaterThan(globalMax, 1e-3, "the check must probe a non-trivial gradient", file: file, line: line)
        for entry in network.layout.entries {
            let range = entry.offset..<(entry.offset + entry.count)
            let error = GradientCheck.relativeError(Array(analytic[range]), Array(numeric[range]), floor: 0.05 * globalMax)
            XCTAssertLessThan(error, 2e-2, "\(entry.name): relative error \(error)", file: file, line: line)
        }
    }

    func testClassificationWithDropoutMatchesFiniteDifferences() throws {
        try checkAllParameters(try microNetwork(labels: 3, heads: .sequenceClassification), .classes([2, 0]), dropoutSeed: 123)
    }

    func testPreTrainingMatchesFiniteDifferences() throws {
        let mlm: [Int32] = [-100, 4, -100, -100, -100, -100, 12, -100, 6, -100]
        try checkAllParameters(try microNetwork(labels: 2, heads: .preTraining),
                               .preTraining(maskedLM: mlm, nextSentence: [1, 0]), dropoutSeed: nil)
    }

    func testMultiLabelAndRegressionMatchFiniteDifferences() throws {
        try checkAllParameters(try microNetwork(labels: 3, heads: .sequenceClassification),
                               .multiLabel([1, 0, 1, 0, 0, 1]), dropoutSeed: nil)
        try checkAllParameters(try microNetwork(labels: 1, heads: .sequenceClassification),
                               .regression([0.5, -1.5]), dropoutSeed: nil)
    }
}
