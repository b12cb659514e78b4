/// A batch of B sequences of T tokens, padded to one length, as the model reads it.
///
///     let batch = try BertBatch(inputIds: [[101, 7592, 102], [101, 102, 0]],
///                               attentionMask: [[1, 1, 1], [1, 1, 0]])
public struct BertBatch: Equatable {
    public let batchSize: Int
    public let sequenceLength: Int
    /// (B, T) token ids
    public let inputIds: [Int32]
    /// (B, T) token type (segment) ids, 0 for the first sentence and 1 for the second
    public let tokenTypeIds: [Int32]
    /// (B, T) 1 for a real token, 0 for padding
    public let attentionMask: [Int32]
    /// The index of this batch's first row in the whole batch it was cut from (a rank's share of a
    /// global batch, issue 20); 0 for a whole batch. Dropout keys its masks by each row's index in
    /// the whole batch (`Dropout.MaskKeys`), so that R processes draw what one process draws.
    public var firstExample = 0

    /// Flat (B, T) arrays. Token types default to 0 and the mask to all ones, as transformers does.
    public init(batchSize: Int, sequenceLength: Int, inputIds: [Int32], tokenTypeIds: [Int32]? = nil,
                attentionMask: [Int32]? = nil) throws {
        let count = batchSize * sequenceLength
        guard batchSize > 0, sequenceLength > 0 else {
            throw BertError(.argument, "a batch needs at least one sequence of at least one token (got \(batchSize) x \(sequenceLength))")
        }
        guard inputIds.count == count else {
            throw BertError(.argument, "input ids hold \(inputIds.count) values, expected \(batchSize) x \(sequenceLength)")
        }
        if let tokenTypeIds, tokenTypeIds.count != count {
            throw BertError(.argument, "token type ids hold \(tokenTypeIds.count) values, expected \(count)")
        }
        if let attentionMask, attentionMask.count != count {
            throw BertError(.argument, "attention mask holds \(attentionMask.count) values, expected \(count)")
        }
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        self.inputIds = inputIds
        self.tokenTypeIds = tokenTypeIds ?? [Int32](repeating: 0, count: count)
        self.attentionMask = attentionMask ?? [Int32](repeating: 1, count: count)
    }

    /// Rows of equal length.
    public init(inputIds: [[Int]], tokenTypeIds: [[Int]]? = nil, attentionMask: [[Int]]? = nil) throws {
        let T = inputIds.first?.count ?? 0
        func flatten(_ rows: [[Int]]?, _ what: String) throws -> [Int32]? {
            guard let rows else { return nil }
            guard rows.count == inputIds.count, rows.allSatisfy({ $0.count == T }) else {
                throw BertError(.argument, "\(what) rows must all have \(T) values, one row per sequence")
            }
            return rows.flatMap { $0.map { Int32(truncatingIfNeeded: $0) } }
        }
        try self.init(batchSize: inputIds.count, sequenceLength: T,
                      inputIds: try flatten(inputIds, "input id") ?? [],
                      tokenTypeIds: try flatten(tokenTypeIds, "token type id"),
                      attentionMask: try flatten(attentionMask, "attention mask"))
    }

    /// Checks ids against the model's tables.
    func validate(for config: BertConfig) throws {
        guard sequenceLength <= config.maxPositionEmbeddings else {
            throw BertError(.argument, "sequences of \(sequenceLength) tokens exceed max_position_embeddings \(config.maxPositionEmbeddings)")
        }
        if let bad = inputIds.first(where: { $0 < 0 || Int($0) >= config.vocabSize }) {
            throw BertError(.argument, "token id \(bad) is outside the vocabulary 0..<\(config.vocabSize)")
        }
        if let bad = tokenTypeIds.first(where: { $0 < 0 || Int($0) >= config.typeVocabSize }) {
            throw BertError(.argument, "token type id \(bad) is outside 0..<\(config.typeVocabSize)")
        }
        if let bad = attentionMask.first(where: { $0 != 0 && $0 != 1 }) {
            throw BertError(.argument, "attention mask value \(bad) is not 0 or 1")
        }
    }
}
