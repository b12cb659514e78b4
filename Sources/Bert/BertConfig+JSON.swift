import ExactJSON
import Foundation

/// A JSON value of a config key we carry but do not use, written back as read.
/// (Bert does not depend on Display, whose `JSON` type serves the kernel's messages.)
public indirect enum JSONValue: Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    /// - key: names the value in the error for a number outside Double's range (1e400).
    init(_ json: OrderedJSON, key: String, source: String) throws {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let text):
            guard let value = Double(text), value.isFinite else {
                throw BertError(.format, "\(source): \"\(key)\" holds the number \(text), which is too large for a Double")
            }
            self = .number(value)
        case .string(let text): self = .string(text)
        case .array(let elements): self = .array(try elements.map { try JSONValue($0, key: key, source: source) })
        case .object(let members):
            var object: [String: JSONValue] = [:]
            for (name, value) in members { object[name] = try JSONValue(value, key: key + "." + name, source: source) }
            self = .object(object)
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

    /// Reads a Hugging Face `config.json`. A path that is not a regular file (a folder, a FIFO
    /// that would block the kernel in `open`) is refused before it is opened.
    public init(contentsOf url: URL) throws {
        try FileFailure.requireRegularFile(url, role: "config.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw BertError(.file, "cannot read config.json: " + FileFailure.sentence(error, path: url.path))
        }
        try self.init(jsonData: data, source: url.path)
    }

    /// Parses the JSON with the repository's exact reader (`ExactJSON`), so that errors say
    /// where (line and column), `true` is never read as the number 1 (as `JSONSerialization`'s
    /// `NSNumber` allows), and Python's `NaN` is named as what it is.
    public init(jsonData data: Data, source: String = "config.json") throws {
        let bytes = [UInt8](data)
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw BertError(.format, "\(source) is empty; expected a JSON object such as {\"hidden_size\": 768, ...}")
        }
        let root: OrderedJSON
        do { root = try OrderedJSON.parse(bytes, allowByteOrderMark: true) } catch let error as OrderedJSONError {
            throw BertError(.format, "\(source): \(error)")
        }
        guard let members = root.members else {
            throw BertError(.format, "\(source) holds \(root.kindName), expected a JSON object such as {\"hidden_size\": 768, ...}")
        }
        var object: [String: OrderedJSON] = [:]
        for (key, value) in members { object[key] = value }   // the last of a repeated key, as Python's json does

        func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
            guard let value = object[key] else {
                if let fallback { return fallback }
                throw BertError(.format, "\(source): missing key \"\(key)\"")
            }
            return try Self.integer(value, key: key, source: source)
        }
        func double(_ key: String, _ fallback: Double) throws -> Double {
            guard let value = object[key], !value.isNull else { return fallback }
            guard case .number(let text) = value, let number = Double(text), number.isFinite else {
                throw BertError(.format, "\(source): \"\(key)\" must be a finite number (got \(value.kindName) \(value.sourceText))")
            }
            return number
        }
        func string(_ key: String) throws -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let text = value.stringValue else {
                throw BertError(.format, "\(source): \"\(key)\" must be a string (got \(value.kindName) \(value.sourceText))")
            }
            return text
        }
        if let type = try string("model_type"), type != "bert" {
            throw BertError(.format, "\(source): model_type is \"\(type)\", only \"bert\" is supported")
        }
        self.init(vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
                  numHiddenLayers: try int("num_hidden_layers"), numAttentionHeads: try int("num_attention_heads"),
                  intermediateSize: try int("intermediate_size"),
                  maxPositionEmbeddings: try int("max_position_embeddings", 512),
                  typeVocabSize: try int("type_vocab_size", 2))
        hiddenAct = try string("hidden_act") ?? "gelu"
        layerNormEps = try double("layer_norm_eps", 1e-12)
        initializerRange = try double("initializer_range", 0.02)
        hiddenDropoutProb = try double("hidden_dropout_prob", 0.1)
        attentionProbsDropoutProb = try double("attention_probs_dropout_prob", 0.1)
        if let value = object["classifier_dropout"], !value.isNull { classifierDropout = try double("classifier_dropout", 0) }
        if let value = object["pad_token_id"], !value.isNull { padTokenId = try Self.integer(value, key: "pad_token_id", source: source) }
        problemType = try string("problem_type")
        if let value = object["architectures"], !value.isNull {
            guard let names = value.elements?.map(\.stringValue), !names.contains(nil) else {
                throw BertError(.format, "\(source): \"architectures\" must be a list of class names such as [\"BertModel\"]")
            }
            architectures = names.compactMap { $0 }
        }
        if let labels = object["id2label"], !labels.isNull {
            guard let entries = labels.members else {
                throw BertError(.format, "\(source): \"id2label\" must be an object such as {\"0\": \"negative\"}")
            }
            var map: [Int: String] = [:]
            for (key, value) in entries {
                guard let id = Int(key), let name = value.stringValue else {
                    throw BertError(.format, "\(source): id2label entry \"\(key)\" is not an integer id with a name")
                }
                map[id] = name
            }
            guard Set(map.keys) == Set(0..<map.count) else {
                throw BertError(.format, "\(source): id2label ids must be 0..<\(map.count)")
            }
            id2label = map
        } else if let value = object["num_labels"], !value.isNull {
            let n = try Self.integer(value, key: "num_labels", source: source)
            guard (1...Self.maximumLabels).contains(n) else {
                throw BertError(.format, "\(source): num_labels must be between 1 and \(Self.maximumLabels) (got \(n))")
            }
            id2label = Dictionary(uniqueKeysWithValues: (0..<n).map { ($0, "LABEL_\($0)") })
        }
        for (key, value) in object where !Self.knownKeys.contains(key) {
            extraFields[key] = try JSONValue(value, key: key, source: source)
        }
        try validate(source: source)
    }

    /// An integer key: a JSON integer, or a number with an integral value (`1e3`, `768.0`, what
    /// json.dump writes for a float). Values past `Int` say they are too large rather than
    /// wrapping or trapping in the conversion.
    static func integer(_ value: OrderedJSON, key: String, source: String) throws -> Int {
        guard case .number(let text) = value else {
            throw BertError(.format, "\(source): \"\(key)\" must be an integer (got \(value.kindName) \(value.sourceText))")
        }
        if let n = Int(text) { return n }
        guard let number = Double(text), number.rounded() == number else {
            throw BertError(.format, "\(source): \"\(key)\" must be an integer (got \(text))")
        }
        // 2^53: every integer below is exact in a Double, and far above any size limit.
        guard abs(number) < 0x1p53 else {
            let limit = sizeLimits[key].map { " (at most \($0))" } ?? ""
            throw BertError(.format, "\(source): \"\(key)\" is \(text), far too large\(limit)")
        }
        return Int(number)
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
