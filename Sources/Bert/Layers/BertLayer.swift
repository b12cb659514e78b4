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

    /// - input: (B·T, C); keyMask: (B·T); the layer's own buffers in `a` (see `BertLayerActivations`)
    /// - scratch: (workers · T, T)
    func forward(_ a: BertLayerActivations, input: MatrixView, keyMask: VectorView, arena m: FloatBuffer,
                 scratch: MutableMatrixView, T: Int, params w: FloatBuffer) {
        let B = input.rows / T
        attention.forward(context: m[a.context], qkvOut: m[a.qkv], probs: probs(a.probs, m, B, T),
                          probsMask: a.probsMask.map { probs($0, m, B, T) }, input: input, keyMask: keyMask,
                          scratch: scratch, params: w)
        afterAttention(a, rows: 0..<input.rows, context: m[a.context].readOnly, residual: input, arena: m, params: w)
    }

    /// The forward for a layer whose only reader is the pooler: attention over every position
    /// (the [CLS] query reads all keys and values), then the attention output, LayerNorm and
    /// feed-forward for the B [CLS] rows alone, the rows a classification head reads: 70% of a
    /// layer's work skipped for the other B·(T - 1). Each [CLS] row goes through the same kernels
    /// as in `forward`; OpenBLAS rounds the smaller products differently, so the output agrees
    /// with `forward`'s to float32 rounding, not bit for bit (`ClassificationRowsTests`).
    /// - clsInput, clsContext: (B, C) scratch, overwritten with the [CLS] rows of `input` and of
    ///   the attention context
    /// - out: writes the B [CLS] outputs to rows 0..<B of `a.out` (the rest is left stale)
    func forwardClassificationRows(_ a: BertLayerActivations, input: MatrixView, keyMask: VectorView, arena m: FloatBuffer,
                                   scratch: MutableMatrixView, clsInput: MutableMatrixView, clsContext: MutableMatrixView,
                                   T: Int, params w: FloatBuffer) {
        let B = input.rows / T
        attention.forward(context: m[a.context], qkvOut: m[a.qkv], probs: probs(a.probs, m, B, T),
                          probsMask: nil, input: input, keyMask: keyMask, scratch: scratch, params: w)
        clsInput.copy(from: input.strided(every: T))
        clsContext.copy(from: m[a.context].readOnly.strided(every: T))
        precondition(a.attentionMask == nil && a.outMask == nil, "the [CLS] rows' forward is inference: no dropout")
        afterAttention(a, rows: 0..<B, context: clsContext.readOnly, residual: clsInput.readOnly, arena: m, params: w)
    }

    /// The attention output (dense, dropout, residual, LayerNorm) and the feed-forward, into rows
    /// `rows` of the layer's buffers (and of its dropout masks, when it has them).
    /// - context: the attention context of those rows; residual: the layer's input rows (rows.count, C)
    private func afterAttention(_ a: BertLayerActivations, rows: Range<Int>, context: MatrixView, residual: MatrixView,
                                arena m: FloatBuffer, params w: FloatBuffer) {
        let attentionOut = m[a.attentionOut].rows(rows), intermediateOut = m[a.intermediate].rows(rows)
        attentionOutput.forward(out: attentionOut, sum: m[a.attentionSum].rows(rows),
                                mean: m.vector(a.attentionMean).slice(rows), rstd: m.vector(a.attentionRstd).slice(rows),
                                x: context, residual: residual, mask: m.optional(a.attentionMask)?.rows(rows), params: w)
        intermediate.forward(out: intermediateOut, preactivation: m[a.intermediatePre].rows(rows),
                             x: attentionOut.readOnly, params: w)
        output.forward(out: m[a.out].rows(rows), sum: m[a.outSum].rows(rows), mean: m.vector(a.outMean).slice(rows),
                       rstd: m.vector(a.outRstd).slice(rows), x: intermediateOut.readOnly,
                       residual: attentionOut.readOnly, mask: m.optional(a.outMask)?.rows(rows), params: w)
    }

    /// The forward in reverse.
    /// - dinput: (B·T, C) overwritten
    /// - dout: (B·T, C) the gradient of this layer's output
    /// - grads: the flat gradient buffer, or nil to skip this layer's parameter gradients
    func backward(_ a: BertLayerActivations, _ s: BertBackwardScratch, dinput: MutableMatrixView, dout: MatrixView,
                  input: MatrixView, arena m: FloatBuffer, T: Int, params w: FloatBuffer, grads g: FloatBuffer?) {
        let dIntermediate = m[s.dIntermediate], preactivation = m[a.intermediatePre].readOnly
        // a.intermediate holds the last layer's GELU output (one buffer for all layers,
        // `BertActivations`); the epilogue rewrites this layer's before the weight gradient reads it.
        output.backward(dx: dIntermediate, dresidual: m[s.dAttentionOut], dsumScratch: m[s.dSum], dout: dout,
                        sum: m[a.outSum].readOnly, mean: m.vector(a.outMean).readOnly,
                        rstd: m.vector(a.outRstd).readOnly, x: m[a.intermediate].readOnly,
                        mask: m.optional(a.outMask), params: w, grads: g) { range in
            intermediate.activationBackward(dout: dIntermediate, output: m[a.intermediate], preactivation: preactivation,
                                            range: range)
        }
        intermediate.backward(dx: m[s.dAttentionOut], dpreactivation: dIntermediate.readOnly,
                              x: m[a.attentionOut].readOnly, params: w, grads: g)
        attentionOutput.backward(dx: m[s.dContext], dresidual: dinput, dsumScratch: m[s.dSum],
                                 dout: m[s.dAttentionOut].readOnly, sum: m[a.attentionSum].readOnly,
                                 mean: m.vector(a.attentionMean).readOnly, rstd: m.vector(a.attentionRstd).readOnly,
                                 x: m[a.context].readOnly, mask: m.optional(a.attentionMask), params: w, grads: g)
        let B = input.rows / T
        attention.backward(dinput: dinput, dqkv: m[s.dQKV], dcontext: m[s.dContext].readOnly,
                           qkvOut: m[a.qkv].readOnly, probs: probs(a.probs, m, B, T),
                           probsMask: a.probsMask.map { probs($0, m, B, T) }, input: input,
                           scratch: m[s.attention], params: w, grads: g)
    }

    /// An arena slice of (B·H·T, T) attention values as (B, H, T, T).
    private func probs(_ slice: ArenaSlice, _ m: FloatBuffer, _ B: Int, _ T: Int) -> AttentionView {
        m.attention(slice, batch: B, heads: attention.heads, length: T)
    }
}
