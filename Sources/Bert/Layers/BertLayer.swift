import Numerics

/// transformers `BertLayer`, post-LN:
///   a = LayerNorm(dropout(dense(SelfAttention(x))) + x)           (BertAttention)
///   y = LayerNorm(dropout(dense(GELU(dense(a)))) + a)             (BertIntermediate, BertOutput)
struct BertLayer {
    let attention: BertSelfAttention
    let attentionOutput: BertResidualOutput
    let intermediate: BertIntermediate
    let output: BertResidualOutput

    init(layout: ParameterLayout, index: Int, config: BertConfig) {
        let prefix = "bert.encoder.layer.\(index)."
        attention = BertSelfAttention(layout: layout, prefix: prefix, config: config)
        attentionOutput = BertResidualOutput(layout: layout, prefix: prefix + "attention.output", config: config)
        intermediate = BertIntermediate(layout: layout, prefix: prefix)
        output = BertResidualOutput(layout: layout, prefix: prefix + "output", config: config)
    }

    /// - input: (B, T, C); keyMask: (B, T); the layer's own buffers in `a` (see `BertLayerActivations`)
    func forward(_ a: BertLayerActivations, input: UnsafePointer<Float>, keyMask: UnsafePointer<Float>,
                 arena m: FloatBuffer, scratch: UnsafeMutablePointer<Float>, B: Int, T: Int,
                 params w: UnsafeMutablePointer<Float>) {
        let rows = B * T
        attention.forward(context: m[a.context], qkvOut: m[a.qkv], probs: m[a.probs], probsMask: m.optional(a.probsMask),
                          input: input, keyMask: keyMask, scratch: scratch, B: B, T: T, params: w)
        attentionOutput.forward(out: m[a.attentionOut], sum: m[a.attentionSum], mean: m[a.attentionMean],
                                rstd: m[a.attentionRstd], x: m[a.context], residual: input,
                                mask: m.optional(a.attentionMask), rows: rows, params: w)
        intermediate.forward(out: m[a.intermediate], preactivation: m[a.intermediatePre], x: m[a.attentionOut],
                             rows: rows, params: w)
        output.forward(out: m[a.out], sum: m[a.outSum], mean: m[a.outMean], rstd: m[a.outRstd],
                       x: m[a.intermediate], residual: m[a.attentionOut], mask: m.optional(a.outMask),
                       rows: rows, params: w)
    }

    /// The forward in reverse.
    /// - dinput: (B, T, C) overwritten
    /// - dout: (B, T, C) the gradient of this layer's output
    /// - grads: the flat gradient buffer, or nil to skip this layer's parameter gradients
    func backward(_ a: BertLayerActivations, _ s: BertBackwardScratch, dinput: UnsafeMutablePointer<Float>,
                  dout: UnsafePointer<Float>, input: UnsafePointer<Float>, arena m: FloatBuffer,
                  B: Int, T: Int, params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>?) {
        let rows = B * T
        output.backward(dx: m[s.dIntermediate], dresidual: m[s.dAttentionOut], dsumScratch: m[s.dSum], dout: dout,
                        sum: m[a.outSum], mean: m[a.outMean], rstd: m[a.outRstd], x: m[a.intermediate],
                        mask: m.optional(a.outMask), rows: rows, params: w, grads: g) { range in
            intermediate.activationBackward(dout: m[s.dIntermediate], preactivation: m[a.intermediatePre], range: range)
        }
        intermediate.backward(dx: m[s.dAttentionOut], dpreactivation: m[s.dIntermediate],
                              x: m[a.attentionOut], rows: rows, params: w, grads: g)
        attentionOutput.backward(dx: m[s.dContext], dresidual: dinput, dsumScratch: m[s.dSum],
                                 dout: m[s.dAttentionOut], sum: m[a.attentionSum], mean: m[a.attentionMean],
                                 rstd: m[a.attentionRstd], x: m[a.context], mask: m.optional(a.attentionMask),
                                 rows: rows, params: w, grads: g)
        attention.backward(dinput: dinput, dqkv: m[s.dQKV], dcontext: m[s.dContext], qkvOut: m[a.qkv],
                           probs: m[a.probs], probsMask: m.optional(a.probsMask), input: input,
                           scratch: m[s.attention], B: B, T: T, params: w, grads: g)
    }
}
