import Numerics

/// The head of transformers `BertForSequenceClassification`: Linear(C, L) on dropout(pooled).
/// Also serves `cls.seq_relationship` (BertOnlyNSPHead), a Linear(C, 2) on the pooled output
/// without dropout.
struct BertClassifier {
    let dense: LinearParameters     // weight (L, C), bias (L)

    init(layout: ParameterLayout, prefix: String) { dense = BertParameters.linear(layout, prefix) }

    /// - logits: (B, L) overwritten
    /// - dropped: (B, C) overwritten with dropout(pooled) when `mask` is given, else unused
    /// - pooled: (B, C); mask: (B, C) or nil
    func forward(logits: MutableMatrixView, dropped: MutableMatrixView, pooled: MatrixView, mask: MatrixView?,
                 params w: FloatBuffer) {
        var input = pooled
        if let mask {
            Dropout.forward(out: dropped, inp: pooled, mask: mask)
            input = dropped.readOnly
        }
        Linear.forward(out: logits, inp: input, weight: dense.weight(w), bias: dense.bias(w))
    }

    /// - dpooled: (B, C) accumulated (+=)
    /// - scratch: (B, C)
    /// - dlogits: (B, L)
    /// - input: (B, C) what the forward multiplied: dropout(pooled), or pooled
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dpooled: MutableMatrixView, scratch: MutableMatrixView, dlogits: MatrixView, input: MatrixView,
                  mask: MatrixView?, params w: FloatBuffer, grads g: FloatBuffer?) {
        let dg = dense.gradients(in: g)
        Linear.backward(dinp: scratch, dweight: dg.weight, dbias: dg.bias, dout: dlogits, inp: input,
                        weight: dense.weight(w))
        if let mask { Dropout.backward(dinp: scratch, dout: scratch.readOnly, mask: mask) }
        VectorOps.addInPlace(dpooled.flat, scratch.flat.readOnly)
    }
}
