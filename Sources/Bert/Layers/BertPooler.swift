import Numerics

/// transformers `BertPooler`: tanh(dense(h[:, 0])), the [CLS] token's summary.
struct BertPooler {
    let dense: LinearParameters     // weight (C, C), bias (C)

    init(layout: ParameterLayout) { dense = BertParameters.linear(layout, "bert.pooler.dense") }

    /// - pooled: (B, C) overwritten; preactivation: (B, C) overwritten
    /// - hidden: (B·T, C), read at t = 0 (`strided(every: T)`, a row stride of T·C)
    func forward(pooled: MutableMatrixView, preactivation: MutableMatrixView, hidden: MatrixView, T: Int,
                 params w: FloatBuffer) {
        Linear.forward(out: preactivation, inp: hidden.strided(every: T), weight: dense.weight(w), bias: dense.bias(w))
        Tanh.forward(out: pooled, inp: preactivation.readOnly)
    }

    /// - dhidden: (B·T, C), accumulated (+=) at t = 0 only
    /// - dpooled: (B, C), overwritten with d preactivation
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dhidden: MutableMatrixView, dpooled: MutableMatrixView, pooled: MatrixView, hidden: MatrixView,
                  T: Int, params w: FloatBuffer, grads g: FloatBuffer?) {
        Tanh.backward(dinp: dpooled, out: pooled, dout: dpooled.readOnly)
        let dg = dense.gradients(in: g)
        Linear.backward(dinp: dhidden.strided(every: T), dweight: dg.weight, dbias: dg.bias, dout: dpooled.readOnly,
                        inp: hidden.strided(every: T), weight: dense.weight(w), accumulateInput: true)
    }
}
