import Numerics

/// transformers `BertEmbeddings`: word + position + token type embeddings, LayerNorm, dropout.
/// Positions are 0..<T (absolute position embeddings).
struct BertEmbeddings {
    let word: Int          // (V, C)
    let position: Int      // (maxPositions, C)
    let tokenType: Int     // (typeVocab, C)
    let layerNorm: LayerNormParameters
    let channels: Int
    let eps: Float

    init(layout: ParameterLayout, config: BertConfig) {
        word = layout["bert.embeddings.word_embeddings.weight"]!.offset
        position = layout["bert.embeddings.position_embeddings.weight"]!.offset
        tokenType = layout["bert.embeddings.token_type_embeddings.weight"]!.offset
        layerNorm = BertParameters.layerNorm(layout, "bert.embeddings.LayerNorm")
        channels = config.hiddenSize
        eps = Float(config.layerNormEps)
    }

    /// - out: (B, T, C) the embeddings after LayerNorm and dropout
    /// - normed: (B, T, C) after LayerNorm, before dropout (may be `out` when there is no mask)
    /// - sum: (B, T, C) word + position + type, the LayerNorm input
    /// - mean, rstd: (B, T)
    /// - ids, types: (B, T) token ids and token type ids, validated by the caller
    /// - mask: (B, T, C) dropout mask or nil
    func forward(out: UnsafeMutablePointer<Float>, normed: UnsafeMutablePointer<Float>,
                 sum: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                 rstd: UnsafeMutablePointer<Float>, ids: UnsafePointer<Int32>, types: UnsafePointer<Int32>,
                 mask: UnsafePointer<Float>?, B: Int, T: Int, params w: UnsafeMutablePointer<Float>) {
        let C = channels
        Parallel.forRanges(B * T, work: 3 * C) { range in
            for bt in range {
                let t = bt % T
                let o = sum + bt * C
                let we = w + word + Int(ids[bt]) * C
                let pe = w + position + t * C
                let te = w + tokenType + Int(types[bt]) * C
                for i in 0..<C { o[i] = we[i] + pe[i] + te[i] }
            }
        }
        LayerNorm.forward(out: normed, mean: mean, rstd: rstd, inp: sum, weight: w + layerNorm.weight,
                          bias: w + layerNorm.bias, rows: B * T, channels: C, eps: eps)
        if let mask { Dropout.forward(out: out, inp: normed, mask: mask, count: B * T * C) }
    }

    /// - dout: (B, T, C), overwritten (used as scratch)
    /// - dsum: (B, T, C) scratch
    /// - word / position / type embedding and LayerNorm gradients accumulated in `g`
    func backward(dout: UnsafeMutablePointer<Float>, dsum: UnsafeMutablePointer<Float>,
                  sum: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                  ids: UnsafePointer<Int32>, types: UnsafePointer<Int32>, mask: UnsafePointer<Float>?,
                  B: Int, T: Int, params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>) {
        let C = channels
        if let mask { Dropout.backward(dinp: dout, dout: dout, mask: mask, count: B * T * C) }
        LayerNorm.backward(dinp: dsum, dweight: g + layerNorm.weight, dbias: g + layerNorm.bias, dout: dout,
                           inp: sum, weight: w + layerNorm.weight, mean: mean, rstd: rstd, rows: B * T, channels: C)
        // Scatter-add into the three tables. Rows collide (repeated ids), so split by channel.
        Parallel.forRanges(C, work: 3 * B * T) { channelRange in
            for bt in 0..<(B * T) {
                let t = bt % T
                let d = dsum + bt * C
                let we = g + word + Int(ids[bt]) * C
                let pe = g + position + t * C
                let te = g + tokenType + Int(types[bt]) * C
                for i in channelRange {
                    we[i] += d[i]
                    pe[i] += d[i]
                    te[i] += d[i]
                }
            }
        }
    }
}
