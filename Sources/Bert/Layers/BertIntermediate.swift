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
        let I = dense.outFeatures
        // GELU on each block of rows right after its GEMM, while the block is in cache.
        Linear.forward(out: preactivation, inp: x, weight: w + dense.weight, bias: w + dense.bias,
                       rows: rows, inFeatures: dense.inFeatures, outFeatures: I) { range in
            GELU.forward(out: out + range.lowerBound * I, inp: preactivation + range.lowerBound * I, count: range.count * I)
        }
    }

    /// GELU's backward on rows `range` of dout (B·T, I), in place: the epilogue of the
    /// following layer's input-gradient GEMM, which just wrote those rows.
    func activationBackward(dout: UnsafeMutablePointer<Float>, preactivation: UnsafePointer<Float>, range: Range<Int>) {
        let I = dense.outFeatures, start = range.lowerBound * I
        GELU.backward(dinp: dout + start, inp: preactivation + start, dout: dout + start, count: range.count * I)
    }

    /// - dx: (B·T, C) accumulated (+=)
    /// - dpreactivation: (B·T, I), the gradient after `activationBackward`
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dx: UnsafeMutablePointer<Float>, dpreactivation dout: UnsafeMutablePointer<Float>,
                  x: UnsafePointer<Float>, rows: Int,
                  params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>?) {
        let dg = dense.gradients(in: g)
        Linear.backward(dinp: dx, dweight: dg.weight, dbias: dg.bias, dout: dout, inp: x,
                        weight: w + dense.weight, rows: rows, inFeatures: dense.inFeatures,
                        outFeatures: dense.outFeatures, accumulateInput: true)
    }
}
