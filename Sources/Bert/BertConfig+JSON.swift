import Foundation

/// A JSON value as `JSONSerialization` reads it, kept for config keys we carry but do not use.
/// (Bert does not depend on Display, whose `JSON` type serves the kernel's messages.)
public indirect enum JSONValue: Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(_ any: Any) {
        switch any {
        case let n as NSNumber where String(cString: n.objCType) == "c": self = .bool(n.boolValue)
        case let n as NSNumber: self = .number(n.doubleValue)
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map(JSONValue.init))
        case let o as [String: Any]: self = .object(o.mapValues(JSONValue.init))
        default: self = .null
        }
    }

    var foundation: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d): return d.rounded() == d && abs(d) < 1e15 ? Int(d) as Any : d as Any
        case .string(let s): return s
        case .array(let a): return a.map(\.foundation)
        case .object(let o): return o.mapValues(\.foundation)
        }
    }
}

extension BertConfig {
    private static let knownKeys: Set<String> = [
        "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
        "hidden_act", "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "initializer_range",
        "hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout", "pad_token_id",
        "id2label", "label2id", "num_labels", "problem_type", "architectures", "model_type",
    ]

    /// Reads a Hugging Face `config.json`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BertError(.file, "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(jsonData: data, source: url.path)
    }

    public init(jsonData data: Data, source: String = "config.json") throws {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw BertError(.format, "\(source): not a JSON object")
        }
        func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
            guard let value = object[key] else {
                if let fallback { return fallback }
                throw BertError(.format, "\(source): missing key \"\(key)\"")
            }
            guard let n = value as? NSNumber, n.doubleValue.rounded() == n.doubleValue else {
                throw BertError(.format, "\(source): \"\(key)\" must be an integer")
            }
            return n.intValue
        }
        func double(_ key: String, _ fallback: Double) throws -> Double {
            guard let value = object[key], !(value is NSNull) else { return fallback }
            guard let n = value as? NSNumber else { throw BertError(.format, "\(source): \"\(key)\" must be a number") }
            return n.doubleValue
        }
        if let type = object["model_type"] as? String, type != "bert" {
            throw BertError(.format, "\(source): model_type is \"\(type)\", only \"bert\" is supported")
        }
        self.init(vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
                  numHiddenLayers: try int("num_hidden_layers"), numAttentionHeads: try int("num_attention_heads"),
                  intermediateSize: try int("intermediate_size"),
                  maxPositionEmbeddings: try int("max_position_embeddings", 512),
                  typeVocabSize: try int("type_vocab_size", 2))
        hiddenAct = object["hidden_act"] as? String ?? "gelu"
        layerNormEps = try double("layer_norm_eps", 1e-12)
        initializerRange = try double("initializer_range", 0.02)
        hiddenDropoutProb = try double("hidden_dropout_prob", 0.1)
        attentionProbsDropoutProb = try double("attention_probs_dropout_prob", 0.1)
        if let value = object["classifier_dropout"], !(value is NSNull) { classifierDropout = try double("classifier_dropout", 0) }
        padTokenId = (object["pad_token_id"] as? NSNumber)?.intValue ?? 0
        problemType = object["problem_type"] as? String
        architectures = object["architectures"] as? [String] ?? []
        if let labels = object["id2label"] as? [String: Any] {
            var map: [Int: String] = [:]
            for (key, value) in labels {
                guard let id = Int(key), let name = value as? String else {
                    throw BertError(.format, "\(source): id2label entry \"\(key)\" is not an integer id with a name")
                }
                map[id] = name
            }
            guard Set(map.keys) == Set(0..<map.count) else {
                throw BertError(.format, "\(source): id2label ids must be 0..<\(map.count)")
            }
            id2label = map
        } else if let n = object["num_labels"] as? Int, n > 0 {
            id2label = Dictionary(uniqueKeysWithValues: (0..<n).map { ($0, "LABEL_\($0)") })
        }
        for (key, value) in object where !Self.knownKeys.contains(key) { extraFields[key] = JSONValue(value) }
        try validate(source: source)
    }

    /// The config as transformers writes it, with `architectures` and the label maps.
    public func jsonData(architecture: String) throws -> Data {
        var object: [String: Any] = extraFields.mapValues(\.foundation)
        object["model_type"] = "bert"
        object["architectures"] = [architecture]
        object["vocab_size"] = vocabSize
        object["hidden_size"] = hiddenSize
        object["num_hidden_layers"] = numHiddenLayers
        object["num_attention_heads"] = numAttentionHeads
        object["intermediate_size"] = intermediateSize
        object["hidden_act"] = hiddenAct
        object["max_position_embeddings"] = maxPositionEmbeddings
        object["type_vocab_size"] = typeVocabSize
        object["layer_norm_eps"] = layerNormEps
        object["initializer_range"] = initializerRange
        object["hidden_dropout_prob"] = hiddenDropoutProb
        object["attention_probs_dropout_prob"] = attentionProbsDropoutProb
        object["classifier_dropout"] = classifierDropout.map { $0 as Any } ?? NSNull()
        object["pad_token_id"] = padTokenId
        object["id2label"] = Dictionary(uniqueKeysWithValues: id2label.map { (String($0.key), $0.value) })
        object["label2id"] = label2id
        if let problemType { object["problem_type"] = problemType }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
