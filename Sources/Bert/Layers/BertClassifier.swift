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
    func forward(logits: UnsafeMutablePointer<Float>, dropped: UnsafeMutablePointer<Float>,
                 pooled: UnsafePointer<Float>, mask: UnsafePointer<Float>?, B: Int,
                 params w: UnsafeMutablePointer<Float>) {
        let C = dense.inFeatures
        var input = pooled
        if let mask {
            Dropout.forward(out: dropped, inp: pooled, mask: mask, count: B * C)
            input = UnsafePointer(dropped)
        }
        Linear.forward(out: logits, inp: input, weight: w + dense.weight, bias: w + dense.bias,
                       rows: B, inFeatures: C, outFeatures: dense.outFeatures)
    }

    /// - dpooled: (B, C) accumulated (+=)
    /// - scratch: (B, C)
    /// - dlogits: (B, L)
    /// - input: (B, C) what the forward multiplied: dropout(pooled), or pooled
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dpooled: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                  dlogits: UnsafePointer<Float>, input: UnsafePointer<Float>, mask: UnsafePointer<Float>?,
                  B: Int, params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>?) {
        let C = dense.inFeatures
        let dg = dense.gradients(in: g)
        Linear.backward(dinp: scratch, dweight: dg.weight, dbias: dg.bias, dout: dlogits,
                        inp: input, weight: w + dense.weight, rows: B, inFeatures: C, outFeatures: dense.outFeatures)
        if let mask { Dropout.backward(dinp: scratch, dout: scratch, mask: mask, count: B * C) }
        VectorOps.addInPlace(dpooled, scratch, count: B * C)
    }
}
