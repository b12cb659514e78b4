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
    func forward(out: UnsafeMutablePointer<Float>, sum: UnsafeMutablePointer<Float>,
                 mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                 x: UnsafePointer<Float>, residual: UnsafePointer<Float>, mask: UnsafePointer<Float>?,
                 rows: Int, params w: UnsafeMutablePointer<Float>) {
        let C = dense.outFeatures
        // Dropout, residual and LayerNorm on each block of rows right after its GEMM.
        Linear.forward(out: sum, inp: x, weight: w + dense.weight, bias: w + dense.bias,
                       rows: rows, inFeatures: dense.inFeatures, outFeatures: C) { range in
            let lo = range.lowerBound * C, hi = range.upperBound * C
            if let mask {
                for i in lo..<hi { sum[i] = sum[i] * mask[i] + residual[i] }
            } else {
                for i in lo..<hi { sum[i] += residual[i] }
            }
            LayerNorm.forward(out: out + lo, mean: mean + range.lowerBound, rstd: rstd + range.lowerBound,
                              inp: sum + lo, weight: w + layerNorm.weight, bias: w + layerNorm.bias,
                              rows: range.count, channels: C, eps: eps)
        }
    }

    /// - dx: (B·T, X) overwritten
    /// - dresidual: (B·T, C) overwritten with d sum (the residual's gradient)
    /// - dsumScratch: (B·T, C) scratch for the dense output's gradient
    /// - dout: (B·T, C)
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    /// - inputEpilogue: run on each block of rows of `dx` once written (see `Linear.backward`)
    func backward(dx: UnsafeMutablePointer<Float>, dresidual: UnsafeMutablePointer<Float>,
                  dsumScratch: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                  sum: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                  x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, rows: Int,
                  params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>?,
                  inputEpilogue: ((Range<Int>) -> Void)? = nil) {
        let C = dense.outFeatures
        let dnorm = layerNorm.gradients(in: g), ddenseParams = dense.gradients(in: g)
        LayerNorm.backward(dinp: dresidual, dweight: dnorm.weight, dbias: dnorm.bias, dout: dout,
                           inp: sum, weight: w + layerNorm.weight, mean: mean, rstd: rstd, rows: rows, channels: C)
        var ddense = UnsafePointer(dresidual)
        if let mask {
            Dropout.backward(dinp: dsumScratch, dout: dresidual, mask: mask, count: rows * C)
            ddense = UnsafePointer(dsumScratch)
        }
        Linear.backward(dinp: dx, dweight: ddenseParams.weight, dbias: ddenseParams.bias, dout: ddense, inp: x,
                        weight: w + dense.weight, rows: rows, inFeatures: dense.inFeatures, outFeatures: C,
                        inputEpilogue: inputEpilogue)
    }
}
