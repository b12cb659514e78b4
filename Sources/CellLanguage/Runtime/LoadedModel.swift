import Bert
import Display
import Foundation
import WordPiece

/// The model of the session: the network (weights trained in place), its tokenizer, label names,
/// where it came from and what loading did. `session.model`, or `try session.requireModel()`.
///
///     let model = try session.requireModel()
///     let result = try model.infer("a fine film", attentions: true)
///     result.probabilities       // (L)
///     result.attentions?[0]      // layer 0: (H, T, T)
public final class LoadedModel: SessionComponent {
    public let network: BertNetwork
    public let tokenizer: BertTokenizer
    /// What the user asked for (`"all-MiniLM-L6-v2"`, a path), or a description for a model
    /// built in the session (`"pretrain(...)"`).
    public let source: String
    /// The resolved checkpoint directory; nil for a model built in the session.
    public let directory: URL?
    /// What loading initialised, renamed or left unused; nil for a model built in the session.
    public let report: BertLoadReport?
    /// True while the classifier is freshly initialised (not from the checkpoint, not trained):
    /// `load(dataset:)` may then resize it to the dataset's labels.
    public internal(set) var classifierIsFresh: Bool

    public init(network: BertNetwork, tokenizer: BertTokenizer, source: String, directory: URL? = nil,
                report: BertLoadReport? = nil, classifierIsFresh: Bool = false) {
        self.network = network
        self.tokenizer = tokenizer
        self.source = source
        self.directory = directory
        self.report = report
        self.classifierIsFresh = classifierIsFresh
    }

    public var config: BertConfig { network.config }
    /// Label names by class id (`id2label`).
    public var labelNames: [String] { network.config.labelNames }
    public var hasClassifier: Bool { network.heads.contains(.classifier) }

    /// The longest sequence the model takes (`max_position_embeddings`).
    public var maxPositions: Int { network.config.maxPositionEmbeddings }

    /// One text through the model, evaluation mode.
    public struct Inference {
        /// (T) wordpieces, ids and token types of the encoded text
        public var tokens: [String]
        public var ids: [Int]
        public var typeIds: [Int]
        /// (L) classifier logits and their softmax (single-label) or sigmoid (multi-label; empty
        /// for regression), when the model has a classifier
        public var logits: [Float]?
        public var probabilities: [Float]?
        /// Per layer, (H, T, T) attention probabilities (row = query, column = key), if asked
        public var attentions: [[Float]]?
        /// The full output, for extra heads (MLM, NSP logits) when asked with `request`
        public var output: BertOutput
    }

    /// Runs one text (or pair) through the network, truncated to `maxLength` tokens.
    /// - attentions: also return each layer's attention probabilities
    /// - request: further outputs (masked-LM, next-sentence logits, hidden states)
    public func infer(_ text: String, pair: String? = nil, maxLength: Int? = nil, attentions: Bool = false,
                      request: BertOutputRequest = []) throws -> Inference {
        let encoding = try tokenizer.encode(text, pair: pair, maxLength: maxLength ?? maxPositions)
        let example = EncodedExample(encoding)
        let batch = try Predictor.batch([example], paddingId: tokenizer.paddingTokenId)
        var wanted = request
        if attentions { wanted.insert(.attentions) }
        let output = try network.infer(batch, request: wanted)
        return Inference(tokens: encoding.tokens, ids: encoding.ids, typeIds: encoding.typeIds, logits: output.logits,
                         probabilities: output.logits.map { Predictor.probabilities($0, task: config.resolvedProblemType) },
                         attentions: output.attentions, output: output)
    }

    public var info: InfoSection {
        let c = network.config
        var rows: [(String, String)] = [
            ("source", source),
            ("layers", "\(c.numHiddenLayers)"), ("hidden size", "\(c.hiddenSize)"), ("heads", "\(c.numAttentionHeads)"),
            ("vocabulary", "\(c.vocabSize)"), ("parameters", "\(network.parameterCount)"),
            ("model heads", network.heads.description), ("labels", labelNames.joined(separator: ", ")),
        ]
        if hasClassifier { rows.append(("task", c.resolvedProblemType.rawValue)) }
        if let directory { rows.insert(("directory", directory.path), at: 1) }
        return InfoSection(title: "Model", rows: rows, json: [
            "source": .string(source), "directory": directory.map { .string($0.path) } ?? .null,
            "layers": .int(c.numHiddenLayers), "hidden_size": .int(c.hiddenSize), "heads": .int(c.numAttentionHeads),
            "vocab_size": .int(c.vocabSize), "parameters": .int(network.parameterCount),
            "model_heads": .string(network.heads.description), "labels": JSON(labelNames),
            "task": hasClassifier ? .string(c.resolvedProblemType.rawValue) : .null,
        ])
    }
}

extension Session {
    /// The loaded model, if any.
    public var model: LoadedModel? { component(LoadedModel.self) }

    /// The loaded model, or `StateError` "no model is loaded; run load(model: ...) first".
    public func requireModel() throws -> LoadedModel {
        guard let model else { throw SessionError(.state, "no model is loaded; run load(model: ...) first") }
        return model
    }
}
