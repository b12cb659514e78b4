import Foundation
import Numerics

/// transformers `BertSelfAttention` (eager): Q, K, V projections, scores Q Kᵀ / √(C/H) with
/// padded keys masked, softmax, dropout, probabilities · V, heads concatenated.
///
/// Q, K and V come from one GEMM with the adjacent (3C, C) weight (see `BertParameters`). Each
/// head reads its columns of the (B, T, 3C) buffer through leading dimensions, and writes its
/// columns of the (B, T, C) context the same way, so no permutation is ever copied. Heads run on
/// both cores, each core calling single-threaded GEMMs (`BLAS.useCallerThreads`).
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
    /// - scratch: (workers · T, T)
    func forward(context contextView: MutableMatrixView, qkvOut qkvView: MutableMatrixView, probs probsView: AttentionView,
                 probsMask maskView: AttentionView?, input: MatrixView, keyMask keyMaskView: VectorView,
                 scratch scratchView: MutableMatrixView, params w: FloatBuffer) {
        let C = channels, H = heads, hs = C / H, C3 = 3 * C
        let T = probsView.length
        assert(probsView.heads == H && input.rows == probsView.batch * T && contextView.rows == input.rows
               && keyMaskView.count == input.rows && scratchView.count >= Parallel.workers * T * T, "attention: shapes")
        let alpha = 1 / Float(hs).squareRoot()
        Linear.forward(out: qkvView, inp: input, weight: qkv.weight(w), bias: qkv.bias(w))
        // The per-head loop works on the views' memory directly (GEMMs with leading dimensions).
        let context = contextView.base, qkvOut = qkvView.base, probs = probsView.base
        let probsMask = maskView?.flat.readOnly.base, keyMask = keyMaskView.base, scratch = scratchView.base
        let B = probsView.batch
        PhaseClock.measure(.attention) {
            Parallel.forParts(B * H, parts: Parallel.partCount(B * H, work: T * T * hs)) { part, range in
                let dropped = scratch + part * T * T
                for bh in range {
                    let b = bh / H, h = bh % H
                    let q = qkvOut + b * T * C3 + h * hs
                    let p = probs + bh * T * T
                    BLAS.gemm(transA: false, transB: true, m: T, n: T, k: hs, alpha: alpha,
                              a: q, lda: C3, b: q + C, ldb: C3, c: p, ldc: T)
                    AttentionSoftmax.forward(scores: p, keyMask: keyMask + b * T, rows: T, keys: T)
                    var weights = UnsafePointer(p)
                    if let probsMask {
                        let m = probsMask + bh * T * T
                        for i in 0..<(T * T) { dropped[i] = p[i] * m[i] }
                        weights = UnsafePointer(dropped)
                    }
                    BLAS.gemm(transA: false, transB: false, m: T, n: hs, k: T,
                              a: weights, lda: T, b: q + 2 * C, ldb: C3, c: context + b * T * C + h * hs, ldc: C)
                }
            }
        }
    }

    /// - dinput: (B·T, C) accumulated (+=): the residual path already wrote it
    /// - dqkv: (B·T, 3C) scratch
    /// - dcontext: (B·T, C)
    /// - scratch: (workers · 2T, T)
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dinput: MutableMatrixView, dqkv dqkvView: MutableMatrixView, dcontext dcontextView: MatrixView,
                  qkvOut qkvView: MatrixView, probs probsView: AttentionView, probsMask maskView: AttentionView?,
                  input: MatrixView, scratch scratchView: MutableMatrixView, params w: FloatBuffer, grads g: FloatBuffer?) {
        let C = channels, H = heads, hs = C / H, C3 = 3 * C
        let B = probsView.batch, T = probsView.length
        assert(probsView.heads == H && input.rows == B * T && dqkvView.rows == input.rows
               && scratchView.count >= Parallel.workers * 2 * T * T, "attention backward: shapes")
        let alpha = 1 / Float(hs).squareRoot()
        let dqkv = dqkvView.base, dcontext = dcontextView.base, qkvOut = qkvView.base
        let probs = probsView.flat.readOnly.base, probsMask = maskView?.flat.readOnly.base, scratch = scratchView.base
        PhaseClock.measure(.attention) {
            Parallel.forParts(B * H, parts: Parallel.partCount(B * H, work: T * T * hs)) { part, range in
                let dropped = scratch + part * 2 * T * T
                let dp = dropped + T * T
                for bh in range {
                    let b = bh / H, h = bh % H
                    let q = qkvOut + b * T * C3 + h * hs
                    let dq = dqkv + b * T * C3 + h * hs
                    let dctx = dcontext + b * T * C + h * hs
                    let p = probs + bh * T * T
                    var weights = p
                    if let probsMask {
                        let m = probsMask + bh * T * T
                        for i in 0..<(T * T) { dropped[i] = p[i] * m[i] }
                        weights = UnsafePointer(dropped)
                    }
                    // dV (T, hs) = weightsᵀ (T, T) · dctx (T, hs)
                    BLAS.gemm(transA: true, transB: false, m: T, n: hs, k: T, a: weights, lda: T,
                              b: dctx, ldb: C, c: dq + 2 * C, ldc: C3)
                    // d weights (T, T) = dctx (T, hs) · Vᵀ
                    BLAS.gemm(transA: false, transB: true, m: T, n: T, k: hs, a: dctx, lda: C,
                              b: q + 2 * C, ldb: C3, c: dp, ldc: T)
                    if let probsMask {
                        let m = probsMask + bh * T * T
                        for i in 0..<(T * T) { dp[i] *= m[i] }
                    }
                    AttentionSoftmax.backward(dprobs: dp, probs: p, rows: T, keys: T)
                    // dQ = α · dS · K;  dK = α · dSᵀ · Q
                    BLAS.gemm(transA: false, transB: false, m: T, n: hs, k: T, alpha: alpha, a: dp, lda: T,
                              b: q + C, ldb: C3, c: dq, ldc: C3)
                    BLAS.gemm(transA: true, transB: false, m: T, n: hs, k: T, alpha: alpha, a: dp, lda: T,
                              b: q, ldb: C3, c: dq + C, ldc: C3)
                }
            }
        }
        let dg = qkv.gradients(in: g)
        Linear.backward(dinp: dinput, dweight: dg.weight, dbias: dg.bias, dout: dqkvView.readOnly, inp: input,
                        weight: qkv.weight(w), accumulateInput: true)
    }
}
