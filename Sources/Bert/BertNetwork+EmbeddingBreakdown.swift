import Numerics

/// One token's input representation, piece by piece, as `BertEmbeddings.forward` builds it
/// (transformers `BertEmbeddings`): `normalized = LayerNorm(word + position + segment)`.
/// Every vector has C components.
public struct EmbeddingBreakdown: Equatable {
    /// word_embeddings[id], position_embeddings[t], token_type_embeddings[typeId]
    public let word: [Float]
    public let position: [Float]
    public let segment: [Float]
    /// Their sum, the LayerNorm input.
    public let sum: [Float]
    /// The embedding output (no dropout): what the first encoder layer reads.
    public let normalized: [Float]
}

extension BertNetwork {
    /// The embedding of each token of one sequence, broken into the three table rows, their sum
    /// and its LayerNorm. The sum and the LayerNorm come from the network's own embedding forward
    /// (one implementation of LayerNorm), so `normalized` is the network's embedding output.
    /// - ids, typeIds: (T) token ids and token type ids; checked against the model's tables
    public func embeddingBreakdown(ids: [Int], typeIds: [Int]) throws -> [EmbeddingBreakdown] {
        let batch = try BertBatch(batchSize: 1, sequenceLength: ids.count, inputIds: ids.map { Int32(clamping: $0) },
                                  tokenTypeIds: typeIds.map { Int32(clamping: $0) })
        try batch.validate(for: config)
        let T = ids.count, C = config.hiddenSize
        let normedValues = FloatBuffer(count: T * C), sumValues = FloatBuffer(count: T * C)
        let mean = FloatBuffer(count: T), rstd = FloatBuffer(count: T)
        // The views below do not keep their buffers alive; this does.
        return withExtendedLifetime((normedValues, sumValues, mean, rstd)) {
            let normed = normedValues.matrix(offset: 0, rows: T, columns: C)
            let sum = sumValues.matrix(offset: 0, rows: T, columns: C)
            embeddings.forward(out: normed, normed: normed, sum: sum, mean: mean.vector, rstd: rstd.vector,
                               ids: batch.inputIds, types: batch.tokenTypeIds, mask: nil, T: T, params: parameters)
            func row(_ table: BertEmbeddings.Table, _ index: Int) -> [Float] { table.values(parameters).row(index).array }
            return (0..<T).map { t in
                EmbeddingBreakdown(word: row(embeddings.word, ids[t]), position: row(embeddings.position, t),
                                   segment: row(embeddings.tokenType, typeIds[t]), sum: sum.row(t).array,
                                   normalized: normed.row(t).array)
            }
        }
    }
}
