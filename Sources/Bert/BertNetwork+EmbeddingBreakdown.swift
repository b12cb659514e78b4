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
        let normed = FloatBuffer(count: T * C), sum = FloatBuffer(count: T * C)
        let mean = FloatBuffer(count: T), rstd = FloatBuffer(count: T)
        batch.inputIds.withUnsafeBufferPointer { idBuffer in
            batch.tokenTypeIds.withUnsafeBufferPointer { typeBuffer in
                embeddings.forward(out: normed.pointer, normed: normed.pointer, sum: sum.pointer, mean: mean.pointer,
                                   rstd: rstd.pointer, ids: idBuffer.baseAddress!, types: typeBuffer.baseAddress!,
                                   mask: nil, B: 1, T: T, params: parameters.pointer)
            }
        }
        func row(_ offset: Int, _ index: Int) -> [Float] { parameters.buffer(offset: offset + index * C, count: C).map { $0 } }
        func slice(_ buffer: FloatBuffer, _ t: Int) -> [Float] { buffer.buffer(offset: t * C, count: C).map { $0 } }
        return (0..<T).map { t in
            EmbeddingBreakdown(word: row(embeddings.word, ids[t]), position: row(embeddings.position, t),
                               segment: row(embeddings.tokenType, typeIds[t]), sum: slice(sum, t), normalized: slice(normed, t))
        }
    }
}
