/// Which parts beyond the encoder a network carries; each adds its checkpoint keys to the
/// parameter layout. `classifier` and `nextSentence` read the pooler's output, so they imply
/// `pooler`.
///
///     let heads: BertHeads = [.pooler, .classifier]          // BertForSequenceClassification
///     let pretraining: BertHeads = [.pooler, .maskedLM, .nextSentence]   // BertForPreTraining
public struct BertHeads: OptionSet, Hashable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `bert.pooler.dense`: tanh(dense(h[CLS])).
    public static let pooler = BertHeads(rawValue: 1)
    /// `classifier`: Linear(C, L) on the dropped-out pooled output.
    public static let classifier = BertHeads(rawValue: 2)
    /// `cls.predictions`: transform (dense, GELU, LayerNorm) and a decoder tied to the word
    /// embeddings, plus `cls.predictions.bias`.
    public static let maskedLM = BertHeads(rawValue: 4)
    /// `cls.seq_relationship`: Linear(C, 2), label 0 = IsNext.
    public static let nextSentence = BertHeads(rawValue: 8)

    public static let sequenceClassification: BertHeads = [.pooler, .classifier]
    public static let preTraining: BertHeads = [.pooler, .maskedLM, .nextSentence]

    /// The set with the pooler added where a head needs it.
    public var normalized: BertHeads {
        isDisjoint(with: [.classifier, .nextSentence]) ? self : union(.pooler)
    }

    /// The transformers class a checkpoint with these heads is saved as.
    public var architecture: String {
        if contains(.classifier) { return "BertForSequenceClassification" }
        if contains(.maskedLM) && contains(.nextSentence) { return "BertForPreTraining" }
        if contains(.maskedLM) { return "BertForMaskedLM" }
        if contains(.nextSentence) { return "BertForNextSentencePrediction" }
        return "BertModel"
    }

    /// The heads a transformers architecture name implies.
    public init(architecture: String) {
        switch architecture {
        case "BertForSequenceClassification": self = .sequenceClassification
        case "BertForPreTraining": self = .preTraining
        case "BertForMaskedLM": self = .maskedLM
        case "BertForNextSentencePrediction": self = [.pooler, .nextSentence]
        default: self = .pooler
        }
    }

    public var description: String {
        var names: [String] = []
        if contains(.pooler) { names.append("pooler") }
        if contains(.classifier) { names.append("classifier") }
        if contains(.maskedLM) { names.append("maskedLM") }
        if contains(.nextSentence) { names.append("nextSentence") }
        return "[" + names.joined(separator: ", ") + "]"
    }
}
