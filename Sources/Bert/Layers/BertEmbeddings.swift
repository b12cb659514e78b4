import Numerics

/// transformers `BertEmbeddings`: word + position + token type embeddings, LayerNorm, dropout.
/// Positions are 0..<T (absolute position embeddings).
struct BertEmbeddings {
    /// An embedding table in the flat parameter (or gradient) buffer: (rows, C).
    struct Table {
        let offset: Int
        let rows: Int
        let channels: Int

        init(_ layout: ParameterLayout, _ name: String) {
            let entry = layout[name]!
            offset = entry.offset
            rows = entry.shape[0]
            channels = entry.shape[1]
        }

        func values(_ buffer: FloatBuffer) -> MutableMatrixView {
            buffer.matrix(offset: offset, rows: rows, columns: channels)
        }
    }

    let word: Table        // (V, C)
    let position: Table    // (maxPositions, C)
    let tokenType: Table   // (typeVocab, C)
    let layerNorm: LayerNormParameters
    let channels: Int
    let eps: Float

    init(layout: ParameterLayout, config: BertConfig) {
        word = Table(layout, "bert.embeddings.word_embeddings.weight")
        position = Table(layout, "bert.embeddings.position_embeddings.weight")
        tokenType = Table(layout, "bert.embeddings.token_type_embeddings.weight")
        layerNorm = BertParameters.layerNorm(layout, "bert.embeddings.LayerNorm")
        channels = config.hiddenSize
        eps = Float(config.layerNormEps)
    }

    /// - out: (B·T, C) the embeddings after LayerNorm and dropout
    /// - normed: (B·T, C) after LayerNorm, before dropout (may be `out` when there is no mask)
    /// - sum: (B·T, C) word + position + type, the LayerNorm input
    /// - mean, rstd: (B·T)
    /// - ids, types: (B·T) token ids and token type ids, validated by the caller
    /// - mask: (B·T, C) dropout mask or nil
    func forward(out: MutableMatrixView, normed: MutableMatrixView, sum: MutableMatrixView, mean: MutableVectorView,
                 rstd: MutableVectorView, ids: [Int32], types: [Int32], mask: MatrixView?, T: Int,
                 params w: FloatBuffer) {
        let C = channels
        let words = word.values(w).readOnly, positions = position.values(w).readOnly
        let typeRows = tokenType.values(w).readOnly
        assert(ids.count == sum.rows && types.count == sum.rows && sum.columns == C, "embeddings: shapes")
        Parallel.forRanges(sum.rows, work: 3 * C) { range in
            for bt in range {
                let o = sum.row(bt)
                let we = words.row(Int(ids[bt])), pe = positions.row(bt % T), te = typeRows.row(Int(types[bt]))
                for i in 0..<C { o[i] = we[i] + pe[i] + te[i] }
            }
        }
        LayerNorm.forward(out: normed, mean: mean, rstd: rstd, inp: sum.readOnly, weight: layerNorm.weight(w),
                          bias: layerNorm.bias(w), eps: eps)
        if let mask { Dropout.forward(out: out, inp: normed.readOnly, mask: mask) }
    }

    /// - dout: (B·T, C), overwritten (used as scratch)
    /// - dsum: (B·T, C) scratch
    /// - word / position / type embedding and LayerNorm gradients accumulated in `g`
    func backward(dout: MutableMatrixView, dsum: MutableMatrixView, sum: MatrixView, mean: VectorView,
                  rstd: VectorView, ids: [Int32], types: [Int32], mask: MatrixView?, T: Int,
                  params w: FloatBuffer, grads g: FloatBuffer) {
        let C = channels, rows = dout.rows
        if let mask { Dropout.backward(dinp: dout, dout: dout.readOnly, mask: mask) }
        let dnorm = layerNorm.gradients(in: g)
        LayerNorm.backward(dinp: dsum, dweight: dnorm.weight, dbias: dnorm.bias, dout: dout.readOnly,
                           inp: sum, weight: layerNorm.weight(w), mean: mean, rstd: rstd)
        let dwords = word.values(g), dpositions = position.values(g), dtypes = tokenType.values(g)
        // Scatter-add into the three tables. Rows collide (repeated ids), so split by channel.
        Parallel.forRanges(C, work: 3 * rows) { channelRange in
            for bt in 0..<rows {
                let d = dsum.row(bt)
                let we = dwords.row(Int(ids[bt])), pe = dpositions.row(bt % T), te = dtypes.row(Int(types[bt]))
                for i in channelRange {
                    we[i] += d[i]
                    pe[i] += d[i]
                    te[i] += d[i]
                }
            }
        }
    }
}
