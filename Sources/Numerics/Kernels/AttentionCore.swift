/// The attention core of every head of a batch, forward and backward side by side: scores
/// Q Kᵀ · α, the masked softmax, dropout of the probabilities, and their product with V
/// (transformers `BertSelfAttention`, eager path; α = 1/√(C/H)).
///
/// Q, K and V are the three column blocks of one (B, T, 3C) buffer: head h of sequence b reads
/// columns h·hs ..< (h+1)·hs of each block through the leading dimension 3C, and writes the same
/// columns of the (B, T, C) context, so no head is ever copied out; only Kᵀ (forward) and Vᵀ
/// (backward), and below `transposedProductsInOpenBLASFrom` keys the backward's (T, T) operands of
/// dV = Pᵀ·dctx and dK = dSᵀ·Q, so that every product reads its operands by rows. The products
/// are `SmallMatrixProduct`, not OpenBLAS, which packs and zeroes more than it multiplies at these
/// sizes (with dynamic padding a head is often 20 by 20). The B·H heads are split over the cores,
/// each core calling single-threaded OpenBLAS for the rest (`BLAS.useCallerThreads`).
public enum AttentionCore {
    /// Floats of the forward's scratch: per worker, a dropped-out copy of P (T, T) and Kᵀ (hs, T).
    public static func forwardScratchCount(T: Int, heads: Int, channels: Int) -> Int {
        Parallel.workers * (T * T + channels / heads * T)
    }

    /// Floats of the backward's scratch: per worker, the dropped-out P, dP and a transpose (T, T)
    /// each, and Vᵀ (hs, T).
    public static func backwardScratchCount(T: Int, heads: Int, channels: Int) -> Int {
        Parallel.workers * (3 * T * T + channels / heads * T)
    }

    /// From this many keys on, the backward's two products with a transposed (T, T) operand run in
    /// OpenBLAS, whose packed copy transposes at its own cost; below it, as `transposeSquare` into
    /// scratch and `SmallMatrixProduct`. Measured (docs/performance.md, "Fused multiply-adds, short
    /// rows and transposes"): on short texts OpenBLAS's per-call packing and zeroing of C cost more
    /// than the products (Zen 3, an SST-2 epoch: packing and `sgemm_beta` 11.0% → 10.1% of its
    /// samples without them); at T = 128 the two ways were even on Zen 3, and OpenBLAS's 512-bit
    /// kernels won on Zen 5 (attention 13.6-15.2% of a step against 17.1-19.5% with our AVX2 tiles).
    static let transposedProductsInOpenBLASFrom = 128

    /// c (T, hs), rows `ldc` apart, = alpha · aᵀ · b, where a: (T, T), rows T apart, and
    /// b: (T, hs), rows `ldb` apart. `transposed`: (T, T) scratch, used below
    /// `transposedProductsInOpenBLASFrom`.
    @inline(__always)
    private static func multiplyTransposed(c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float,
                                           a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                                           T: Int, hs: Int, transposed: UnsafeMutablePointer<Float>) {
        if T < transposedProductsInOpenBLASFrom {
            transposeSquare(into: transposed, from: a, T: T)
            SmallMatrixProduct.multiply(m: T, n: hs, k: T, alpha: alpha, a: transposed, lda: T,
                                        b: b, ldb: ldb, c: c, ldc: ldc)
        } else {
            BLAS.gemm(transA: true, transB: false, m: T, n: hs, k: T, alpha: alpha, a: a, lda: T,
                      b: b, ldb: ldb, c: c, ldc: ldc)
        }
    }

    /// - into: (T, T), rows T apart, the transpose of `from`: (T, T), rows T apart.
    ///
    /// In 16 x 16 tiles, so that both the loads and the stores of a tile stay in L1 (a whole
    /// (T, T) does not at T = 128), each tile's stores contiguous within a row of the transpose.
    @inline(__always)
    private static func transposeSquare(into t: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>, T: Int) {
        var i0 = 0
        while i0 < T {
            let i1 = min(i0 + 16, T)
            var j0 = 0
            while j0 < T {
                let j1 = min(j0 + 16, T)
                for j in j0..<j1 {
                    let row = t + j &* T, column = x + j
                    for i in i0..<i1 { row[i] = column[i &* T] }
                }
                j0 = j1
            }
            i0 = i1
        }
    }

    /// - into: (hs, T), rows T apart; from: (T, hs), rows `stride` apart.
    ///
    /// Row by row of Kᵀ: its stores run contiguously while the loads step through the head's
    /// T·hs values of K, which stay in L1. Stepping the other way, each store T floats from the
    /// last, stalled on 4K aliasing between K's loads and the scattered stores (perf: 2.7% of
    /// inference on the instruction after the load, for a copy of 1/30 of the head's products).
    @inline(__always)
    private static func transpose(into t: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>,
                                  stride: Int, T: Int, hs: Int) {
        for d in 0..<hs {
            let column = x + d, row = t + d &* T
            for position in 0..<T { row[position] = column[position &* stride] }
        }
    }

    /// - context: (B·T, C) overwritten
    /// - qkv: (B·T, 3C): Q | K | V
    /// - probs: (B, H, T, T) overwritten: softmax probabilities before dropout
    /// - probsMask: (B, H, T, T) dropout mask (0 or 1/(1-p)) or nil
    /// - keyMask: (B·T) 1 for tokens, 0 for padding
    /// - scratch: at least `forwardScratchCount` floats
    public static func forward(context: MutableMatrixView, qkv: MatrixView, probs: AttentionView,
                               probsMask: AttentionView?, keyMask: VectorView, scratch: MutableMatrixView) {
        let B = probs.batch, T = probs.length, H = probs.heads, C = context.columns
        assert(context.isContiguous && qkv.isContiguous && qkv.columns == 3 * C && qkv.rows == B * T
               && context.rows == B * T && keyMask.count == B * T
               && scratch.count >= forwardScratchCount(T: T, heads: H, channels: C), "attention: shapes")
        forward(context: context.base, qkv: qkv.base, probs: probs.base, probsMask: probsMask.map { UnsafePointer($0.base) },
                keyMask: keyMask.base, scratch: scratch.base, B: B, T: T, heads: H, channels: C)
    }

    /// - dqkv: (B·T, 3C) overwritten: dQ | dK | dV
    /// - dcontext: (B·T, C)
    /// - qkv, probs, probsMask: the forward's
    /// - scratch: at least `backwardScratchCount` floats
    public static func backward(dqkv: MutableMatrixView, dcontext: MatrixView, qkv: MatrixView, probs: AttentionView,
                                probsMask: AttentionView?, scratch: MutableMatrixView) {
        let B = probs.batch, T = probs.length, H = probs.heads, C = dcontext.columns
        assert(dqkv.isContiguous && dcontext.isContiguous && qkv.isContiguous && dqkv.columns == 3 * C
               && qkv.columns == 3 * C && dqkv.rows == B * T && qkv.rows == B * T && dcontext.rows == B * T
               && scratch.count >= backwardScratchCount(T: T, heads: H, channels: C), "attention backward: shapes")
        backward(dqkv: dqkv.base, dcontext: dcontext.base, qkv: qkv.base, probs: UnsafePointer(probs.base),
                 probsMask: probsMask.map { UnsafePointer($0.base) }, scratch: scratch.base,
                 B: B, T: T, heads: H, channels: C)
    }

    /// - context: (B, T, C) overwritten
    /// - qkv: (B, T, 3C): Q | K | V
    /// - probs: (B, H, T, T) overwritten: softmax probabilities before dropout
    /// - probsMask: (B, H, T, T) dropout mask (0 or 1/(1-p)) or nil
    /// - keyMask: (B, T) 1 for tokens, 0 for padding
    /// - scratch: `forwardScratchCount` floats
    static func forward(context: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
                               probs: UnsafeMutablePointer<Float>, probsMask: UnsafePointer<Float>?,
                               keyMask: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                               B: Int, T: Int, heads H: Int, channels C: Int) {
        let hs = C / H, C3 = 3 * C
        let alpha = 1 / Float(hs).squareRoot()
        PhaseClock.measure(.attention) {
            Parallel.forParts(B * H, parts: Parallel.partCount(B * H, work: T * T * hs)) { part, range in
                let dropped = scratch + part * (T * T + hs * T)
                let keysT = dropped + T * T
                for bh in range {
                    let b = bh / H, h = bh % H
                    let q = qkv + b * T * C3 + h * hs
                    let p = probs + bh * T * T
                    // scores (T, T) = α · Q (T, hs) · Kᵀ (hs, T)
                    transpose(into: keysT, from: q + C, stride: C3, T: T, hs: hs)
                    SmallMatrixProduct.multiply(m: T, n: T, k: hs, alpha: alpha, a: q, lda: C3,
                                                b: keysT, ldb: T, c: p, ldc: T)
                    AttentionSoftmax.forward(scores: p, keyMask: keyMask + b * T, rows: T, keys: T)
                    var weights = UnsafePointer(p)
                    if let probsMask {
                        let m = probsMask + bh * T * T
                        for i in 0..<(T * T) { dropped[i] = p[i] * m[i] }
                        weights = UnsafePointer(dropped)
                    }
                    // context (T, hs) = weights (T, T) · V (T, hs)
                    SmallMatrixProduct.multiply(m: T, n: hs, k: T, a: weights, lda: T,
                                                b: q + 2 * C, ldb: C3, c: context + b * T * C + h * hs, ldc: C)
                }
            }
        }
    }

    /// - dqkv: (B, T, 3C) overwritten: dQ | dK | dV
    /// - dcontext: (B, T, C)
    /// - qkv, probs, probsMask: the forward's
    /// - scratch: `backwardScratchCount` floats
    static func backward(dqkv: UnsafeMutablePointer<Float>, dcontext: UnsafePointer<Float>,
                                qkv: UnsafePointer<Float>, probs: UnsafePointer<Float>,
                                probsMask: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
                                B: Int, T: Int, heads H: Int, channels C: Int) {
        BLAS.useCallerThreads()
        let hs = C / H, C3 = 3 * C
        let alpha = 1 / Float(hs).squareRoot()
        PhaseClock.measure(.attention) {
            Parallel.forParts(B * H, parts: Parallel.partCount(B * H, work: T * T * hs)) { part, range in
                let dropped = scratch + part * (3 * T * T + hs * T)
                let dp = dropped + T * T
                let transposed = dp + T * T
                let valuesT = transposed + T * T
                for bh in range {
                    let b = bh / H, h = bh % H
                    let q = qkv + b * T * C3 + h * hs
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
                    multiplyTransposed(c: dq + 2 * C, ldc: C3, alpha: 1, a: weights, b: dctx, ldb: C,
                                       T: T, hs: hs, transposed: transposed)
                    // d weights (T, T) = dctx (T, hs) · Vᵀ (hs, T)
                    transpose(into: valuesT, from: q + 2 * C, stride: C3, T: T, hs: hs)
                    SmallMatrixProduct.multiply(m: T, n: T, k: hs, a: dctx, lda: C, b: valuesT, ldb: T, c: dp, ldc: T)
                    if let probsMask {
                        let m = probsMask + bh * T * T
                        for i in 0..<(T * T) { dp[i] *= m[i] }
                    }
                    AttentionSoftmax.backward(dprobs: dp, probs: p, rows: T, keys: T)
                    // dQ = α · dS · K;  dK = α · dSᵀ · Q
                    SmallMatrixProduct.multiply(m: T, n: hs, k: T, alpha: alpha, a: dp, lda: T,
                                                b: q + C, ldb: C3, c: dq, ldc: C3)
                    multiplyTransposed(c: dq + C, ldc: C3, alpha: alpha, a: dp, b: q, ldb: C3,
                                       T: T, hs: hs, transposed: transposed)
                }
            }
        }
    }
}
