import Numerics

/// transformers `BertIntermediate`: GELU(dense(x)), C -> I.
struct BertIntermediate {
    let dense: LinearParameters    // weight (I, C), bias (I)

    init(layout: ParameterLayout, prefix: String) {
        dense = BertParameters.linear(layout, prefix + "intermediate.dense")
    }

    /// - out: (B·T, I) GELU output, overwritten
    /// - preactivation: (B·T, I) dense output, overwritten
    /// - x: (B·T, C)
    func forward(out: UnsafeMutablePointer<Float>, preactivation: UnsafeMutablePointer<Float>,
                 x: UnsafePointer<Float>, rows: Int, params w: UnsafeMutablePointer<Float>) {
        Linear.forward(out: preactivation, inp: x, weight: w + dense.weight, bias: w + dense.bias,
                       rows: rows, inFeatures: dense.inFeatures, outFeatures: dense.outFeatures)
        GELU.forward(out: out, inp: preactivation, count: rows * dense.outFeatures)
    }

    /// - dx: (B·T, C) accumulated (+=)
    /// - dout: (B·T, I), overwritten with d preactivation
    func backward(dx: UnsafeMutablePointer<Float>, dout: UnsafeMutablePointer<Float>,
                  preactivation: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int,
                  params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>) {
        GELU.backward(dinp: dout, inp: preactivation, dout: dout, count: rows * dense.outFeatures)
        Linear.backward(dinp: dx, dweight: g + dense.weight, dbias: g + dense.bias, dout: dout, inp: x,
                        weight: w + dense.weight, rows: rows, inFeatures: dense.inFeatures,
                        outFeatures: dense.outFeatures, accumulateInput: true)
    }
}
