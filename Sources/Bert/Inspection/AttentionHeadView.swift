import Foundation
import Numerics

/// One attention head of one layer, opened up for one sequence (bertviz's "neuron view"): the
/// query, key and value vectors of every token, the scaled dot products q·k/√d, the softmax the
/// model applied, and the context the value-weighted sum gives.
///
///     let view = try AttentionHeadView(network: network, batch: try BertBatch(inputIds: [ids]), layer: 3, head: 5)
///     view.scores[2]          // (T) q_2 · k_j / √d for every key j
///     view.probabilities[2]   // (T) the model's attention weights of query 2 (sum to 1)
///
/// The vectors come from the layer's input (the hidden state before it) through the layer's own
/// query / key / value weights; the probabilities are the ones the forward pass computed
/// (`output_attentions=True`), so a test can hold the recomputed softmax(scores) to them.
public struct AttentionHeadView: Equatable {
    public let layer: Int
    public let head: Int
    /// (T, d) per token, d = C / H the head size
    public let query: [[Double]]
    public let key: [[Double]]
    public let value: [[Double]]
    /// (T, T) q_i · k_j / √d, row i = query i
    public let scores: [[Double]]
    /// (T, T) the forward pass's attention probabilities
    public let probabilities: [[Double]]
    /// (T, d) Σ_j probabilities[i][j] · value[j]: this head's slice of the context
    public let context: [[Double]]

    /// - batch: one sequence (B = 1), unpadded
    public init(network: BertNetwork, batch: BertBatch, layer: Int, head: Int) throws {
        let config = network.config
        guard batch.batchSize == 1, !batch.attentionMask.contains(0) else {
            throw BertError(.argument, "the neuron view takes one unpadded sequence")
        }
        guard (0..<config.numHiddenLayers).contains(layer), (0..<config.numAttentionHeads).contains(head) else {
            throw BertError(.argument, "layer \(layer), head \(head) is outside the model's \(config.numHiddenLayers) layers "
                            + "of \(config.numAttentionHeads) heads")
        }
        let out = try network.infer(batch, request: [.hiddenStates, .attentions])
        let T = batch.sequenceLength, C = config.hiddenSize, H = config.numAttentionHeads, d = C / H
        let input = out.hiddenStates![layer]                  // (T, C): the layer's input
        var qkv = [Float](repeating: 0, count: T * 3 * C)     // (T, 3C): Q | K | V
        let projection = network.layers[layer].attention.qkv
        input.withMatrixView(rows: T, columns: C) { x in
            qkv.withMutableMatrixView(rows: T, columns: 3 * C) { o in
                let w = network.parameters
                Linear.forward(out: o, inp: x, weight: projection.weight(w), bias: projection.bias(w))
            }
        }
        func slice(_ part: Int) -> [[Double]] {
            (0..<T).map { t in (0..<d).map { Double(qkv[t * 3 * C + part * C + head * d + $0]) } }
        }
        let q = slice(0), k = slice(1), v = slice(2)
        let scale = 1 / Double(d).squareRoot()
        let probs = out.attentions![layer]                    // (H, T, T)
        self.layer = layer
        self.head = head
        query = q
        key = k
        value = v
        scores = q.map { qi in k.map { kj in zip(qi, kj).reduce(0) { $0 + $1.0 * $1.1 } * scale } }
        probabilities = (0..<T).map { i in (0..<T).map { j in Double(probs[(head * T + i) * T + j]) } }
        context = probabilities.map { p in (0..<d).map { c in (0..<T).reduce(0) { $0 + p[$1] * v[$1][c] } } }
    }

    /// softmax of row `i` of `scores`, in Double (what the probabilities should be).
    public func softmax(row i: Int) -> [Double] {
        let peak = scores[i].max() ?? 0
        let e = scores[i].map { Foundation.exp($0 - peak) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }
}
