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

    /// The parameters of the model with every head, in overflow-checked arithmetic (nil when
    /// the count does not fit in an Int): embeddings (V + P + T) * C + 2C; per layer the
    /// attention 4(C*C + C), the feed-forward 2*I*C + I + C, two LayerNorms 4C; pooler C*C + C;
    /// MLM transform C*C + 3C plus bias V; classifier L*C + L; NSP 2C + 2.
    public var parameterCountBound: Int? {
        let C = hiddenSize, I = intermediateSize, V = vocabSize, L = numLabels
        func product(_ factors: Int...) -> Int? {
            var result = 1
            for factor in factors {
                let (value, overflow) = result.multipliedReportingOverflow(by: factor)
                if overflow { return nil }
                result = value
            }
            return result
        }
        func sum(_ terms: Int?...) -> Int? {
            var result = 0
            for term in terms {
                guard let term else { return nil }
                let (value, overflow) = result.addingReportingOverflow(term)
                if overflow { return nil }
                result = value
            }
            return result
        }
        let rows = sum(V, maxPositionEmbeddings, typeVocabSize)
        let embeddings = sum(rows.flatMap { product($0, C) }, product(2, C))
        let layer = sum(product(4, C, C), product(4, C), product(2, I, C), I, C, product(4, C))
        let heads = sum(product(C, C), C, product(C, C), product(3, C), V, product(L, C), L, product(2, C), 2)
        return sum(embeddings, layer.flatMap { product($0, numHiddenLayers) }, heads)
    }

    /// Sets `id2label` to `names` in order.
    public mutating func setLabels(_ names: [String]) {
        id2label = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.offset, $0.element) })
    }

    /// Upper bounds on each size, far above any BERT published (BERT-large: 30522, 1024, 24, 16,
    /// 4096, 512, 2), so that a typo or a hostile file (`num_hidden_layers: 1e9`) is refused
    /// before anything is allocated instead of exhausting memory or trapping on overflow.
    public static let sizeLimits: [String: Int] = [
        "vocab_size": 10_000_000, "hidden_size": 65_536, "num_hidden_layers": 1_000, "num_attention_heads": 65_536,
        "intermediate_size": 1_048_576, "max_position_embeddings": 1_048_576, "type_vocab_size": 65_536,
    ]
    /// Most labels a classifier may have (as `load(model:labels:)` allows).
    public static let maximumLabels = 100_000
    /// Most parameters a model may have: 4e9 floats are 16 GB, twelve times BERT-large.
    public static let maximumParameters = 4_000_000_000

    /// Checks what the model code relies on; `source` names the file in the message.
    public func validate(source: String) throws {
        func require(_ ok: Bool, _ what: String) throws {
            if !ok { throw BertError(.format, "\(source): \(what)") }
        }
        let sizes: [(String, Int)] = [
            ("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_attention_heads", numAttentionHeads),
            ("intermediate_size", intermediateSize), ("max_position_embeddings", maxPositionEmbeddings),
            ("type_vocab_size", typeVocabSize),
        ]
        for (key, value) in sizes {
            try require(value > 0, "\(key) must be positive (got \(value))")
            try require(value <= Self.sizeLimits[key]!, "\(key) \(value) is too large (at most \(Self.sizeLimits[key]!))")
        }
        try require(numHiddenLayers >= 0, "num_hidden_layers must not be negative (got \(numHiddenLayers))")
        try require(numHiddenLayers <= Self.sizeLimits["num_hidden_layers"]!,
                    "num_hidden_layers \(numHiddenLayers) is too large (at most \(Self.sizeLimits["num_hidden_layers"]!))")
        try require(hiddenSize % numAttentionHeads == 0,
                    "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        try require(numLabels <= Self.maximumLabels, "id2label names \(numLabels) labels (at most \(Self.maximumLabels))")
        guard let count = parameterCountBound, count <= Self.maximumParameters else {
            throw BertError(.format, "\(source): these sizes make a model of \(parameterCountBound.map(String.init) ?? "more than 2^63") "
                            + "parameters, more than the \(Self.maximumParameters) this kernel can hold in memory")
        }
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
