import Numerics
import TestSupport
import XCTest
@testable import Bert

/// `classificationLogits` computes the last layer for the [CLS] rows alone. Claim: its logits
/// are `infer`'s to float32 rounding, whatever the batch shape, padding or arena reuse. Each
/// [CLS] row passes the same kernels in both, but OpenBLAS's products round differently with
/// their row count (measured on the Zen, Haswell and Prescott cores: up to a few dozen ulps of
/// a logit, about 1e-7 absolute here), so they are not the same bits. The bound checked,
/// 1e-5 · (1 + |logit|), is 100 times what was seen and far below Higham's worst case for these
/// sums (K·u ≈ 1536 · 6e-8 of the sum of magnitudes, per product, over several layers).
final class ClassificationRowsTests: XCTestCase {
    /// Random weights at shapes where OpenBLAS takes its real blocked paths (C 96, I 384, 3 layers).
    private func network(labels: Int) throws -> BertNetwork {
        var config = BertConfig(vocabSize: 300, hiddenSize: 96, numHiddenLayers: 3, numAttentionHeads: 4,
                                intermediateSize: 384, maxPositionEmbeddings: 160)
        config.setLabels((0..<labels).map { "label\($0)" })
        let network = try BertNetwork(config: config, heads: .sequenceClassification)
        var generator = SeededGenerator(seed: 5)
        network.initializeAll(using: &generator)
        return network
    }

    /// B sequences of lengths drawn up to T, padded to the longest (ids 0 and mask 0 beyond each).
    private func batch(B: Int, T: Int, generator: inout SeededGenerator) throws -> BertBatch {
        let lengths = (0..<B).map { _ in Int.random(in: 2...T, using: &generator) }
        let longest = lengths.max()!
        let ids = lengths.map { length in (0..<longest).map { $0 < length ? Int.random(in: 1..<300, using: &generator) : 0 } }
        let mask = lengths.map { length in (0..<longest).map { $0 < length ? 1 : 0 } }
        return try BertBatch(inputIds: ids, attentionMask: mask)
    }

    private func assertClose(_ fast: [Float], _ full: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(fast.count, full.count, what, file: file, line: line)
        for (a, b) in zip(fast, full) where abs(a - b) > 1e-5 * (1 + abs(b)) {
            XCTFail("\(what): \(a) against \(b)", file: file, line: line)
            return
        }
    }

    func testClassificationLogitsAreInfersAcrossShapes() throws {
        let network = try network(labels: 3)
        var generator = SeededGenerator(seed: 9)
        // Growing, shrinking and repeated shapes: arenas are carved afresh or reused in between.
        for (B, T) in [(1, 5), (7, 40), (32, 128), (3, 17), (32, 128), (16, 64), (2, 150)] {
            let b = try batch(B: B, T: T, generator: &generator)
            let fast = try network.classificationLogits(b)
            let full = try XCTUnwrap(network.infer(b).logits)
            XCTAssertEqual(fast.count, B * 3)
            assertClose(fast, full, "B \(B), T \(b.sequenceLength)")
            XCTAssertNotEqual(fast, [Float](repeating: 0, count: fast.count))
            // Again, with the full pass's arena left behind: exactly the first call's bits.
            XCTAssertEqual(try network.classificationLogits(b).map(\.bitPattern), fast.map(\.bitPattern))
        }
    }

    func testPredictorRunsOnTheClassificationRowsAndMatchesInfer() throws {
        // Equal lengths, one batch: Predictor's batch holds the rows infer sees.
        let network = try network(labels: 2)
        var generator = SeededGenerator(seed: 4)
        let ids = (0..<6).map { _ in (0..<30).map { _ in Int.random(in: 1..<300, using: &generator) } }
        let examples = ids.enumerated().map { index, row in
            EncodedExample(ids: row.map(Int32.init), typeIds: [Int32](repeating: 0, count: row.count), label: index % 2)
        }
        let logits = try Predictor.logits(of: network, examples, paddingId: 0, batchSize: 8, checkInterrupt: {})
        let full = try XCTUnwrap(network.infer(BertBatch(inputIds: ids)).logits)
        XCTAssertEqual(logits.flatMap { $0 }.map(\.bitPattern),
                       try network.classificationLogits(BertBatch(inputIds: ids)).map(\.bitPattern))
        assertClose(logits.flatMap { $0 }, full, "predictor")
    }
}
