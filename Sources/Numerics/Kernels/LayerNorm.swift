import Foundation

/// LayerNorm over the last dimension, as `torch.nn.LayerNorm` (biased variance; BERT's eps is
/// 1e-12). Forward keeps each row's mean and reciprocal standard deviation for the backward
/// (llm.c `layernorm_forward` / `layernorm_backward`).
public enum LayerNorm {
    /// - out: (N, C), overwritten
    /// - mean, rstd: (N), overwritten
    /// - inp: (N, C)
    /// - weight, bias: (C)
    /// All contiguous.
    public static func forward(out: MutableMatrixView, mean: MutableVectorView, rstd: MutableVectorView,
                               inp: MatrixView, weight: VectorView, bias: VectorView, eps: Float) {
        assert(out.rows == inp.rows && out.columns == inp.columns && mean.count == inp.rows && rstd.count == inp.rows
               && weight.count == inp.columns && bias.count == inp.columns && out.isContiguous && inp.isContiguous,
               "LayerNorm: out \(out.rows)x\(out.columns), inp \(inp.rows)x\(inp.columns), C \(weight.count)")
        forward(out: out.base, mean: mean.base, rstd: rstd.base, inp: inp.base, weight: weight.base, bias: bias.base,
                rows: inp.rows, channels: inp.columns, eps: eps)
    }

    /// With n = (x - mean)·rstd and g = dout·weight:
    /// dinp = rstd · (g - mean(g) - n · mean(g·n)); dweight += Σ dout·n; dbias += Σ dout.
    /// - dinp: (N, C), overwritten, or accumulated with `accumulate`; may be `dout` when
    ///   overwriting
    /// - dweight, dbias: (C), accumulated; nil skips that reduction (both nil: only `dinp`, as
    ///   integrated gradients needs). `dinp` is the same, bit for bit, either way.
    /// - dout, inp: (N, C); weight: (C); mean, rstd: (N) from the forward
    public static func backward(dinp: MutableMatrixView, dweight: MutableVectorView?, dbias: MutableVectorView?,
                                dout: MatrixView, inp: MatrixView, weight: VectorView, mean: VectorView,
                                rstd: VectorView, accumulate: Bool = false) {
        let N = inp.rows, C = inp.columns
        assert(dinp.rows == N && dinp.columns == C && dout.rows == N && dout.columns == C && weight.count == C
               && mean.count == N && rstd.count == N && (dweight?.count ?? C) == C && (dbias?.count ?? C) == C
               && dinp.isContiguous && dout.isContiguous && inp.isContiguous,
               "LayerNorm backward: inp \(N)x\(C), dinp \(dinp.rows)x\(dinp.columns), dout \(dout.rows)x\(dout.columns)")
        backward(dinp: dinp.base, dweight: dweight?.base, dbias: dbias?.base, dout: dout.base, inp: inp.base,
                 weight: weight.base, mean: mean.base, rstd: rstd.base, rows: N, channels: C, accumulate: accumulate)
    }

    // The pointer forms: the one implementation the views call.

    /// - out: (N, C), overwritten
    /// - mean, rstd: (N), overwritten
    /// - inp: (N, C)
    /// - weight, bias: (C)
    static func forward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                               rstd: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                               weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                               rows: Int, channels C: Int, eps: Float) {
        Parallel.forRanges(rows, work: 3 * C) { range in
            for row in range {
                let x = inp + row * C
                let m = RowReductions.sum(x, C) / Float(C)
                let sq = RowReductions.sumOfSquaredDeviations(x, from: m, C)
                let s = 1 / (sq / Float(C) + eps).squareRoot()
                let o = out + row * C
                for i in 0..<C { o[i] = (x[i] - m) * s * weight[i] + bias[i] }
                mean[row] = m
                rstd[row] = s
            }
        }
    }

    /// With n = (x - mean)·rstd and g = dout·weight:
    /// dinp = rstd · (g - mean(g) - n · mean(g·n)); dweight += Σ dout·n; dbias += Σ dout.
    /// - dinp: (N, C), overwritten, or accumulated with `accumulate`; may alias `dout` when
    ///   overwriting
    /// - dweight, dbias: (C), accumulated; nil skips that reduction (both nil: only `dinp`, as
    ///   integrated gradients needs). `dinp` is the same, bit for bit, either way.
    /// - dout, inp: (N, C); weight: (C); mean, rstd: (N) from the forward
    static func backward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?,
                                dbias: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>,
                                inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                rows: Int, channels C: Int, accumulate: Bool = false) {
        let parts = Parallel.partCount(rows, work: 6 * C)
        let reduce = dweight != nil || dbias != nil
        withUnsafeTemporaryAllocation(of: Float.self, capacity: parts * 3 * C) { partials in
            let partial = partials.baseAddress!
            partial.initialize(repeating: 0, count: parts * 3 * C)
            Parallel.forParts(rows, parts: parts) { part, range in
                let dw = partial + part * 3 * C
                let db = dw + C
                let g = db + C
                for row in range {
                    let x = inp + row * C
                    let dy = dout + row * C
                    let m = mean[row], s = rstd[row]
                    // Σ g = Σ dy·w and Σ g·n = s·(Σ dy·w·x - m·Σ dy·w), with SIMD reductions.
                    for i in 0..<C { g[i] = dy[i] * weight[i] }
                    let sumG = RowReductions.sum(g, C)
                    let meanG = sumG / Float(C)
                    let meanGN = s * (RowReductions.dot(g, x, C) - m * sumG) / Float(C)
                    if reduce {
                        for i in 0..<C {
                            let n = (x[i] - m) * s
                            dw[i] += dy[i] * n
                            db[i] += dy[i]
                        }
                    }
                    let dx = dinp + row * C
                    for i in 0..<C {
                        let n = (x[i] - m) * s
                        let value = s * (dy[i] * weight[i] - meanG - n * meanGN)
                        dx[i] = accumulate ? dx[i] + value : value
                    }
                }
            }
            for part in 0..<parts {
                let dw = partial + part * 3 * C
                if let dweight { for i in 0..<C { dweight[i] += dw[i] } }
                if let dbias { for i in 0..<C { dbias[i] += dw[C + i] } }
            }
        }
    }
}
