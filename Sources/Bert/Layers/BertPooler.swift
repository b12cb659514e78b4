import Numerics

/// transformers `BertPooler`: tanh(dense(h[:, 0])), the [CLS] token's summary.
struct BertPooler {
    let dense: LinearParameters     // weight (C, C), bias (C)

    init(layout: ParameterLayout) { dense = BertParameters.linear(layout, "bert.pooler.dense") }

    /// - pooled: (B, C) overwritten; preactivation: (B, C) overwritten
    /// - hidden: (B, T, C), read at t = 0 through a row stride of T·C
    func forward(pooled: UnsafeMutablePointer<Float>, preactivation: UnsafeMutablePointer<Float>,
                 hidden: UnsafePointer<Float>, B: Int, T: Int, params w: UnsafeMutablePointer<Float>) {
        let C = dense.outFeatures
        Linear.forward(out: preactivation, inp: hidden, weight: w + dense.weight, bias: w + dense.bias,
                       rows: B, inFeatures: C, outFeatures: C, inputStride: T * C)
        Tanh.forward(out: pooled, inp: preactivation, count: B * C)
    }

    /// - dhidden: (B, T, C), accumulated (+=) at t = 0 only
    /// - dpooled: (B, C), overwritten with d preactivation
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dhidden: UnsafeMutablePointer<Float>, dpooled: UnsafeMutablePointer<Float>,
                  pooled: UnsafePointer<Float>, hidden: UnsafePointer<Float>, B: Int, T: Int,
                  params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>?) {
        let C = dense.outFeatures
        Tanh.backward(dinp: dpooled, out: pooled, dout: dpooled, count: B * C)
        let dg = dense.gradients(in: g)
        Linear.backward(dinp: dhidden, dweight: dg.weight, dbias: dg.bias, dout: dpooled,
                        inp: hidden, weight: w + dense.weight, rows: B, inFeatures: C, outFeatures: C,
                        inputStride: T * C, accumulateInput: true)
    }
}
