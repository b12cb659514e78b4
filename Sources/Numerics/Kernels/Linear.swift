/// A fully connected layer as PyTorch's `nn.Linear` stores it: weight (O, I), y = x W^T + b.
/// Forward and backward side by side (llm.c `matmul_forward` / `matmul_backward`).
public enum Linear {
    /// - out: (N, O), overwritten
    /// - inp: (N, I), rows `inputStride` floats apart (I when contiguous; T·C to read each
    ///   sequence's [CLS] row straight out of a (B, T, C) buffer)
    /// - weight: (O, I)
    /// - bias: (O) or nil
    public static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                               weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               rows: Int, inFeatures: Int, outFeatures: Int, inputStride: Int? = nil) {
        var beta: Float = 0
        if let bias {
            Parallel.forRanges(rows, work: outFeatures) { range in
                for row in range { (out + row * outFeatures).update(from: bias, count: outFeatures) }
            }
            beta = 1
        }
        BLAS.gemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures,
                  a: inp, lda: inputStride ?? inFeatures, b: weight, ldb: inFeatures,
                  beta: beta, c: out, ldc: outFeatures)
    }

    /// - dinp: (N, I), rows `inputStride` apart; overwritten, or accumulated with
    ///   `accumulateInput`; nil when the input needs no gradient
    /// - dweight: (O, I), accumulated (+=)
    /// - dbias: (O) or nil, accumulated (+=)
    /// - dout: (N, O)
    /// - inp: (N, I) the forward input; weight: (O, I)
    public static func backward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
                                dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
                                inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                rows: Int, inFeatures: Int, outFeatures: Int,
                                inputStride: Int? = nil, accumulateInput: Bool = false) {
        let stride = inputStride ?? inFeatures
        if let dinp {
            // dinp (N, I) = dout (N, O) · W (O, I)
            BLAS.gemm(transA: false, transB: false, m: rows, n: inFeatures, k: outFeatures,
                      a: dout, lda: outFeatures, b: weight, ldb: inFeatures,
                      beta: accumulateInput ? 1 : 0, c: dinp, ldc: stride)
        }
        // dW (O, I) += dout^T (O, N) · inp (N, I)
        BLAS.gemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows,
                  a: dout, lda: outFeatures, b: inp, ldb: stride, beta: 1, c: dweight, ldc: inFeatures)
        if let dbias { ColumnSum.accumulate(into: dbias, from: dout, rows: rows, columns: outFeatures) }
    }
}

/// Column sums of a row-major matrix, the bias gradient of a Linear or LayerNorm layer.
public enum ColumnSum {
    /// - into: (O), accumulated (+=) with the sum over rows of `from`
    /// - from: (N, O)
    public static func accumulate(into sum: UnsafeMutablePointer<Float>, from matrix: UnsafePointer<Float>,
                                  rows: Int, columns: Int) {
        let parts = Parallel.partCount(rows, work: columns)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: parts * columns) { partials in
            let partial = partials.baseAddress!
            partial.initialize(repeating: 0, count: parts * columns)
            Parallel.forParts(rows, parts: parts) { part, range in
                let acc = partial + part * columns
                for row in range {
                    let r = matrix + row * columns
                    for j in 0..<columns { acc[j] += r[j] }
                }
            }
            for part in 0..<parts {
                let acc = partial + part * columns
                for j in 0..<columns { sum[j] += acc[j] }
            }
        }
    }
}
