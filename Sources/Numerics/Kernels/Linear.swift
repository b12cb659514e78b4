/// A fully connected layer as PyTorch's `nn.Linear` stores it: weight (O, I), y = x W^T + b.
/// Forward and backward side by side (llm.c `matmul_forward` / `matmul_backward`).
///
/// Both cores take a block of rows each: a single-threaded GEMM on the block, then the bias and
/// the caller's `epilogue` (an activation, a residual + LayerNorm) on the same rows while they
/// are still in cache.
public enum Linear {
    /// - out: (N, O), overwritten, contiguous
    /// - inp: (N, I), any row stride (T·C reads each sequence's [CLS] row straight out of a
    ///   (B·T, C) hidden state: `hidden.strided(every: T)`)
    /// - weight: (O, I), contiguous
    /// - bias: (O) or nil
    /// - epilogue: called once per block of rows after bias, on the thread that computed them
    public static func forward(out: MutableMatrixView, inp: MatrixView, weight: MatrixView, bias: VectorView?,
                               epilogue: ((Range<Int>) -> Void)? = nil) {
        assert(out.rows == inp.rows && out.columns == weight.rows && inp.columns == weight.columns,
               "Linear: out \(out.rows)x\(out.columns), inp \(inp.rows)x\(inp.columns), weight \(weight.rows)x\(weight.columns)")
        assert(out.isContiguous && weight.isContiguous && (bias?.count ?? weight.rows) == weight.rows, "Linear: layout")
        forward(out: out.base, inp: inp.base, weight: weight.base, bias: bias?.base, rows: inp.rows,
                inFeatures: inp.columns, outFeatures: weight.rows, inputStride: inp.rowStride, epilogue: epilogue)
    }

    /// - dinp: (N, I) with `inp`'s row stride; overwritten, or accumulated with
    ///   `accumulateInput`; nil when the input needs no gradient
    /// - dweight: (O, I), accumulated (+=); nil skips its GEMM (a pass that needs only `dinp`,
    ///   as integrated gradients does)
    /// - dbias: (O), accumulated (+=); nil skips its column sum
    /// - dout: (N, O), contiguous
    /// - inp: (N, I) the forward input; weight: (O, I)
    /// - inputEpilogue: called per block of rows of `dinp` once written (e.g. the backward of the
    ///   activation that produced `inp`), on the thread that computed them
    public static func backward(dinp: MutableMatrixView?, dweight: MutableMatrixView?, dbias: MutableVectorView?,
                                dout: MatrixView, inp: MatrixView, weight: MatrixView, accumulateInput: Bool = false,
                                inputEpilogue: ((Range<Int>) -> Void)? = nil) {
        assert(dout.rows == inp.rows && dout.columns == weight.rows && inp.columns == weight.columns,
               "Linear backward: dout \(dout.rows)x\(dout.columns), inp \(inp.rows)x\(inp.columns), weight \(weight.rows)x\(weight.columns)")
        assert(dinp.map { $0.rows == inp.rows && $0.columns == inp.columns && $0.rowStride == inp.rowStride } ?? true,
               "Linear backward: dinp must have inp's shape and stride")
        assert(dweight.map { $0.rows == weight.rows && $0.columns == weight.columns && $0.isContiguous } ?? true,
               "Linear backward: dweight must have weight's shape")
        assert((dbias?.count ?? weight.rows) == weight.rows && dout.isContiguous && weight.isContiguous, "Linear backward: layout")
        backward(dinp: dinp?.base, dweight: dweight?.base, dbias: dbias?.base, dout: dout.base, inp: inp.base,
                 weight: weight.base, rows: inp.rows, inFeatures: inp.columns, outFeatures: weight.rows,
                 inputStride: inp.rowStride, accumulateInput: accumulateInput, inputEpilogue: inputEpilogue)
    }

    // The pointer forms: the one implementation the views call.

    /// - out: (N, O), overwritten
    /// - inp: (N, I), rows `inputStride` floats apart (I when contiguous; T·C to read each
    ///   sequence's [CLS] row straight out of a (B, T, C) buffer)
    /// - weight: (O, I)
    /// - bias: (O) or nil
    /// - epilogue: called once per block of rows after bias, on the thread that computed them
    static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                               weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               rows: Int, inFeatures: Int, outFeatures: Int, inputStride: Int? = nil,
                               epilogue: ((Range<Int>) -> Void)? = nil) {
        BLAS.useCallerThreads()
        let stride = inputStride ?? inFeatures
        PhaseClock.measure(.dense) {
        Parallel.forRanges(rows, work: inFeatures * outFeatures / 8) { range in
            let o = out + range.lowerBound * outFeatures
            // With a bias, the rows start as copies of it and the GEMM adds x Wᵀ (beta 1), as
            // PyTorch's addmm does. With beta 0 OpenBLAS first zeroes C in a pass of its own
            // (`sgemm_beta`, 5% of inference by perf) and the bias was a third pass over C.
            if let bias {
                for row in 0..<range.count { (o + row * outFeatures).update(from: bias, count: outFeatures) }
            }
            BLAS.gemm(transA: false, transB: true, m: range.count, n: outFeatures, k: inFeatures,
                      a: inp + range.lowerBound * stride, lda: stride, b: weight, ldb: inFeatures,
                      beta: bias == nil ? 0 : 1, c: o, ldc: outFeatures)
            epilogue?(range)
        }
        }
    }

    /// - dinp: (N, I), rows `inputStride` apart; overwritten, or accumulated with
    ///   `accumulateInput`; nil when the input needs no gradient
    /// - dweight: (O, I), accumulated (+=); nil skips its GEMM (a pass that needs only `dinp`,
    ///   as integrated gradients does)
    /// - dbias: (O), accumulated (+=); nil skips its column sum
    /// - dout: (N, O)
    /// - inp: (N, I) the forward input; weight: (O, I)
    /// - inputEpilogue: called per block of rows of `dinp` once written (e.g. the backward of the
    ///   activation that produced `inp`), on the thread that computed them
    static func backward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
                                dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
                                inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                rows: Int, inFeatures: Int, outFeatures: Int,
                                inputStride: Int? = nil, accumulateInput: Bool = false,
                                inputEpilogue: ((Range<Int>) -> Void)? = nil) {
        BLAS.useCallerThreads()
        let stride = inputStride ?? inFeatures
        PhaseClock.measure(.dense) {
        if let dweight {
            // dW (O, I) += dout^T (O, N) · inp (N, I), split over output features (rows of dW).
            Parallel.forRanges(outFeatures, work: rows * inFeatures / 8) { range in
                BLAS.gemm(transA: true, transB: false, m: range.count, n: inFeatures, k: rows,
                          a: dout + range.lowerBound, lda: outFeatures, b: inp, ldb: stride, beta: 1,
                          c: dweight + range.lowerBound * inFeatures, ldc: inFeatures)
            }
        }
        if let dbias { ColumnSum.accumulate(into: dbias, from: dout, rows: rows, columns: outFeatures) }
        if let dinp {
            // dinp (N, I) = dout (N, O) · W (O, I), split over rows.
            Parallel.forRanges(rows, work: inFeatures * outFeatures / 8) { range in
                BLAS.gemm(transA: false, transB: false, m: range.count, n: inFeatures, k: outFeatures,
                          a: dout + range.lowerBound * outFeatures, lda: outFeatures, b: weight, ldb: inFeatures,
                          beta: accumulateInput ? 1 : 0, c: dinp + range.lowerBound * stride, ldc: stride)
                inputEpilogue?(range)
            }
        }
        }
    }
}

/// Column sums of a row-major matrix, the bias gradient of a Linear or LayerNorm layer.
enum ColumnSum {
    /// - into: (O), accumulated (+=) with the sum over rows of `from`
    /// - from: (N, O)
    static func accumulate(into sum: UnsafeMutablePointer<Float>, from matrix: UnsafePointer<Float>,
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
