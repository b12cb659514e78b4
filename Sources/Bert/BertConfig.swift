import Foundation
import TextDatasets

/// The hyper-parameters of a BERT model, read from and written to a Hugging Face `config.json`
/// (transformers `BertConfig`).
///
///     let config = try BertConfig(contentsOf: directory.appendingPathComponent("config.json"))
///     config.hiddenSize / config.numAttentionHeads   // head size
public struct BertConfig: Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var hiddenAct: String = "gelu"
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int = 2
    public var layerNormEps: Double = 1e-12
    public var initializerRange: Double = 0.02
    public var hiddenDropoutProb: Double = 0.1
    public var attentionProbsDropoutProb: Double = 0.1
    /// transformers uses `classifier_dropout` when set, else `hidden_dropout_prob`.
    public var classifierDropout: Double?
    public var padTokenId: Int = 0
    /// Label names by id (`id2label`); its count is `num_labels`.
    public var id2label: [Int: String] = [0: "LABEL_0", 1: "LABEL_1"]
    /// `single_label_classification`, `multi_label_classification`, `regression`, or nil
    /// (then transformers decides from the labels' type at the first loss).
    public var problemType: String?
    /// `architectures` as loaded (e.g. `BertModel`, `BertForPreTraining`).
    public var architectures: [String] = []
    /// Keys we do not interpret, kept so that a saved config loses nothing.
    public var extraFields: [String: JSONValue] = [:]

    public var numLabels: Int { id2label.count }
    public var headSize: Int { hiddenSize / numAttentionHeads }
    public var label2id: [String: Int] { Dictionary(id2label.map { ($1, $0) }, uniquingKeysWith: min) }
    /// The labels in id order.
    public var labelNames: [String] { (0..<numLabels).map { id2label[$0] ?? "LABEL_\($0)" } }

    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                intermediateSize: Int, maxPositionEmbeddings: Int = 512, typeVocabSize: Int = 2) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
    }

    /// Sets `id2label` to `names` in order.
    public mutating func setLabels(_ names: [String]) {
        id2label = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.offset, $0.element) })
    }

    /// Checks what the model code relies on; `source` names the file in the message.
    public func validate(source: String) throws {
        func require(_ ok: Bool, _ what: String) throws {
            if !ok { throw BertError(.format, "\(source): \(what)") }
        }
        try require(vocabSize > 0, "vocab_size must be positive (got \(vocabSize))")
        try require(hiddenSize > 0, "hidden_size must be positive (got \(hiddenSize))")
        try require(numHiddenLayers >= 0, "num_hidden_layers must not be negative")
        try require(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0,
                    "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        try require(intermediateSize > 0, "intermediate_size must be positive")
        try require(maxPositionEmbeddings > 0, "max_position_embeddings must be positive")
        try require(typeVocabSize > 0, "type_vocab_size must be positive")
        try require(["gelu", "gelu_python"].contains(hiddenAct),
                    "hidden_act \"\(hiddenAct)\" is not supported (only the exact erf \"gelu\")")
        for (name, p) in [("hidden_dropout_prob", hiddenDropoutProb),
                          ("attention_probs_dropout_prob", attentionProbsDropoutProb),
                          ("classifier_dropout", classifierDropout ?? 0)] {
            try require(p >= 0 && p < 1, "\(name) must be in [0, 1) (got \(p))")
        }
        try require(numLabels >= 1, "id2label must name at least one label")
        if let problemType {
            try require(TaskKind(rawValue: problemType) != nil, "unknown problem_type \"\(problemType)\" (transformers knows "
                        + "single_label_classification, multi_label_classification and regression)")
        }
    }
}

extension BertConfig {
    /// `problem_type` when set; else as transformers decides for integer class labels:
    /// regression for one label, single-label classification otherwise. The three tasks of
    /// `BertForSequenceClassification` are the dataset's `TaskKind` (same names, same raw values).
    public var resolvedProblemType: TaskKind {
        problemType.flatMap(TaskKind.init(rawValue:)) ?? (numLabels == 1 ? .regression : .singleLabel)
    }
}
