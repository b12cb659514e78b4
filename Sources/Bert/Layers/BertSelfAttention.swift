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
        qkv = LinearParameters(weight: q.weight, bias: q.bias, inFeatures: q.inFeatures, outFeatures: 3 * q.outFeatures)
        heads = config.numAttentionHeads
        channels = config.hiddenSize
    }

    /// - context: (B, T, C) overwritten
    /// - qkvOut: (B, T, 3C) overwritten: Q | K | V
    /// - probs: (B, H, T, T) overwritten: softmax probabilities before dropout
    /// - probsMask: (B, H, T, T) dropout mask or nil
    /// - input: (B, T, C)
    /// - keyMask: (B, T) 1 for tokens, 0 for padding
    /// - scratch: (workers, T, T)
    func forward(context: UnsafeMutablePointer<Float>, qkvOut: UnsafeMutablePointer<Float>,
                 probs: UnsafeMutablePointer<Float>, probsMask: UnsafePointer<Float>?,
                 input: UnsafePointer<Float>, keyMask: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                 B: Int, T: Int, params w: UnsafeMutablePointer<Float>) {
        let C = channels, H = heads, hs = C / H, C3 = 3 * C
        let alpha = 1 / Float(hs).squareRoot()
        Linear.forward(out: qkvOut, inp: input, weight: w + qkv.weight, bias: w + qkv.bias,
                       rows: B * T, inFeatures: C, outFeatures: C3)
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

    /// - dinput: (B, T, C) accumulated (+=): the residual path already wrote it
    /// - dqkv: (B, T, 3C) scratch
    /// - dcontext: (B, T, C)
    /// - scratch: (workers, 2, T, T)
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dinput: UnsafeMutablePointer<Float>, dqkv: UnsafeMutablePointer<Float>,
                  dcontext: UnsafePointer<Float>, qkvOut: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                  probsMask: UnsafePointer<Float>?, input: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                  B: Int, T: Int, params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>?) {
        let C = channels, H = heads, hs = C / H, C3 = 3 * C
        let alpha = 1 / Float(hs).squareRoot()
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
        Linear.backward(dinp: dinput, dweight: dg.weight, dbias: dg.bias, dout: dqkv, inp: input,
                        weight: w + qkv.weight, rows: B * T, inFeatures: C, outFeatures: C3, accumulateInput: true)
    }
}
