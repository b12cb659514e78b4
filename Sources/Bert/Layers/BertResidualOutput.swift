import Numerics

/// transformers `BertSelfOutput` and `BertOutput`, which differ only in their input width:
/// LayerNorm(dropout(dense(x)) + residual), the post-LN block end.
struct BertResidualOutput {
    let dense: LinearParameters        // weight (C, X), bias (C); X = C or I
    let layerNorm: LayerNormParameters
    let eps: Float

    init(layout: ParameterLayout, prefix: String, config: BertConfig) {
        dense = BertParameters.linear(layout, prefix + ".dense")
        layerNorm = BertParameters.layerNorm(layout, prefix + ".LayerNorm")
        eps = Float(config.layerNormEps)
    }

    /// - out: (B·T, C) overwritten
    /// - sum: (B·T, C) overwritten: dropout(dense(x)) + residual, the LayerNorm input
    /// - mean, rstd: (B·T)
    /// - x: (B·T, X); residual: (B·T, C); mask: (B·T, C) or nil
    func forward(out: MutableMatrixView, sum: MutableMatrixView, mean: MutableVectorView, rstd: MutableVectorView,
                 x: MatrixView, residual: MatrixView, mask: MatrixView?, params w: FloatBuffer) {
        let C = dense.outFeatures
        let s = sum.flat, r = residual.flat, keep = mask?.flat
        // Dropout, residual and LayerNorm on each block of rows right after its GEMM.
        Linear.forward(out: sum, inp: x, weight: dense.weight(w), bias: dense.bias(w)) { range in
            let lo = range.lowerBound * C, hi = range.upperBound * C
            if let keep {
                for i in lo..<hi { s[i] = s[i] * keep[i] + r[i] }
            } else {
                for i in lo..<hi { s[i] += r[i] }
            }
            LayerNorm.forward(out: out.rows(range), mean: mean.slice(range), rstd: rstd.slice(range),
                              inp: sum.rows(range).readOnly, weight: layerNorm.weight(w), bias: layerNorm.bias(w),
                              eps: eps)
        }
    }

    /// - dx: (B·T, X) overwritten
    /// - dresidual: (B·T, C) overwritten with d sum (the residual's gradient)
    /// - dsumScratch: (B·T, C) scratch for the dense output's gradient
    /// - dout: (B·T, C)
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    /// - inputEpilogue: run on each block of rows of `dx` once written (see `Linear.backward`),
    ///   before the weight gradient reads `x`: the epilogue may write `x` (GELU's output, recomputed)
    func backward(dx: MutableMatrixView, dresidual: MutableMatrixView, dsumScratch: MutableMatrixView,
                  dout: MatrixView, sum: MatrixView, mean: VectorView, rstd: VectorView, x: MatrixView,
                  mask: MatrixView?, params w: FloatBuffer, grads g: FloatBuffer?,
                  inputEpilogue: ((Range<Int>) -> Void)? = nil) {
        let dnorm = layerNorm.gradients(in: g), ddenseParams = dense.gradients(in: g)
        LayerNorm.backward(dinp: dresidual, dweight: dnorm.weight, dbias: dnorm.bias, dout: dout,
                           inp: sum, weight: layerNorm.weight(w), mean: mean, rstd: rstd)
        var ddense = dresidual.readOnly
        if let mask {
            Dropout.backward(dinp: dsumScratch, dout: dresidual.readOnly, mask: mask)
            ddense = dsumScratch.readOnly
        }
        // The input gradient first, then the weight's: two independent products, so the order
        // changes no bits, only lets the epilogue provide the x that the second reads.
        Linear.backward(dinp: dx, dweight: nil, dbias: nil, dout: ddense, inp: x, weight: dense.weight(w),
                        inputEpilogue: inputEpilogue)
        Linear.backward(dinp: nil, dweight: ddenseParams.weight, dbias: ddenseParams.bias, dout: ddense, inp: x,
                        weight: dense.weight(w))
    }
}
