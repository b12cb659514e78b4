/// What an inference pass returns. Arrays are flat, row-major, with the shape given.
public struct BertOutput {
    public let batchSize: Int
    public let sequenceLength: Int
    /// (B, T, C) the encoder's output
    public var lastHiddenState: [Float] = []
    /// (B, C) the pooler's output, if the model has a pooler
    public var pooled: [Float]?
    /// (B, L) classifier logits, if the model has a classifier
    public var logits: [Float]?
    /// (B, T, V) masked-LM logits, if requested
    public var predictionLogits: [Float]?
    /// (B, 2) next-sentence logits (0 = IsNext), if requested
    public var nextSentenceLogits: [Float]?
    /// N + 1 arrays of (B, T, C): the embeddings' output, then each layer's, if requested
    public var hiddenStates: [[Float]]?
    /// N arrays of (B, H, T, T): each layer's attention probabilities, if requested
    public var attentions: [[Float]]?
}

/// The optional outputs of an inference pass; the classifier logits, pooled output and last
/// hidden state are always returned when the model has them.
public struct BertOutputRequest: OptionSet {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let maskedLM = BertOutputRequest(rawValue: 1)
    public static let nextSentence = BertOutputRequest(rawValue: 2)
    public static let hiddenStates = BertOutputRequest(rawValue: 4)
    public static let attentions = BertOutputRequest(rawValue: 8)
}
