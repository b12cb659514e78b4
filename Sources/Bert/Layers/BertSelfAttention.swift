import Foundation
import Numerics

/// transformers `BertSelfAttention` (eager): Q, K, V projections, scores Q Kᵀ / √(C/H) with
/// padded keys masked, softmax, dropout, probabilities · V, heads concatenated.
///
/// Q, K and V come from one GEMM with the adjacent (3C, C) weight (see `BertParameters`); the
/// per-head scores, softmax, dropout and context are `Numerics.AttentionCore`, which reads each
/// head's columns of the (B, T, 3C) buffer in place.
struct BertSelfAttention {
    let qkv: LinearParameters       // weight (3C, C), bias (3C)
    let heads: Int
    let channels: Int

    init(layout: ParameterLayout, prefix: String, config: BertConfig) {
        let q = BertParameters.linear(layout, prefix + "attention.self.query")
        qkv = LinearParameters(weightOffset: q.weightOffset, biasOffset: q.biasOffset, inFeatures: q.inFeatures,
                               outFeatures: 3 * q.outFeatures)
        heads = config.numAttentionHeads
        channels = config.hiddenSize
    }

    /// - context: (B·T, C) overwritten
    /// - qkvOut: (B·T, 3C) overwritten: Q | K | V
    /// - probs: (B, H, T, T) overwritten: softmax probabilities before dropout
    /// - probsMask: (B, H, T, T) dropout mask or nil
    /// - input: (B·T, C)
    /// - keyMask: (B·T) 1 for tokens, 0 for padding
    /// - scratch: `AttentionCore.forwardScratchCount` floats
    func forward(context: MutableMatrixView, qkvOut: MutableMatrixView, probs: AttentionView,
                 probsMask: AttentionView?, input: MatrixView, keyMask: VectorView,
                 scratch: MutableMatrixView, params w: FloatBuffer) {
        assert(probs.heads == heads && input.rows == probs.batch * probs.length, "attention: shapes")
        Linear.forward(out: qkvOut, inp: input, weight: qkv.weight(w), bias: qkv.bias(w))
        AttentionCore.forward(context: context, qkv: qkvOut.readOnly, probs: probs, probsMask: probsMask,
                              keyMask: keyMask, scratch: scratch)
    }

    /// - dinput: (B·T, C) accumulated (+=): the residual path already wrote it
    /// - dqkv: (B·T, 3C) scratch
    /// - dcontext: (B·T, C)
    /// - scratch: `AttentionCore.backwardScratchCount` floats
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dinput: MutableMatrixView, dqkv: MutableMatrixView, dcontext: MatrixView,
                  qkvOut: MatrixView, probs: AttentionView, probsMask: AttentionView?,
                  input: MatrixView, scratch: MutableMatrixView, params w: FloatBuffer, grads g: FloatBuffer?) {
        AttentionCore.backward(dqkv: dqkv, dcontext: dcontext, qkv: qkvOut, probs: probs, probsMask: probsMask,
                               scratch: scratch)
        let dg = qkv.gradients(in: g)
        Linear.backward(dinp: dinput, dweight: dg.weight, dbias: dg.bias, dout: dqkv.readOnly, inp: input,
                        weight: qkv.weight(w), accumulateInput: true)
    }
}
