import ExactJSON
import TextDatasets

/// What a resumed run must share with the run that wrote its checkpoint, as named values so
/// that a difference can be said in words: the model's shape and labels, the vocabulary, and
/// the encoded training and validation splits (their sizes and a fingerprint of every token id,
/// token type and label, in order, so a changed text, label, split seed or maxLength shows).
public struct TrainingIdentity: Equatable {
    /// (name, value) pairs in a fixed order: the model's, then the data's.
    public var model: [Field]
    public var data: [Field]

    /// Built only here (and by tests): the memberwise init serves.
    public struct Field: Equatable {
        public var name: String
        public var value: String
    }

    public init(model: [Field], data: [Field]) {
        self.model = model
        self.data = data
    }

    /// - vocabulary: a fingerprint of the tokenizer's vocabulary (`fingerprint(of:)` of its tokens)
    public init(network: BertNetwork, vocabulary: String, train: [EncodedExample], validation: [EncodedExample]) {
        let c = network.config
        model = [
            .init(name: "vocab_size", value: String(c.vocabSize)), .init(name: "hidden_size", value: String(c.hiddenSize)),
            .init(name: "num_hidden_layers", value: String(c.numHiddenLayers)),
            .init(name: "num_attention_heads", value: String(c.numAttentionHeads)),
            .init(name: "intermediate_size", value: String(c.intermediateSize)),
            .init(name: "max_position_embeddings", value: String(c.maxPositionEmbeddings)),
            .init(name: "problem_type", value: c.resolvedProblemType.rawValue),
            .init(name: "vocabulary", value: vocabulary),
        ]
        data = [
            .init(name: "labels", value: c.labelNames.joined(separator: ", ")),
            .init(name: "training examples", value: String(train.count)),
            .init(name: "training split", value: Self.fingerprint(train)),
            .init(name: "validation examples", value: String(validation.count)),
            .init(name: "validation split", value: Self.fingerprint(validation)),
        ]
    }

    /// The first difference between the checkpoint's identity (`self`) and `now`'s, in words;
    /// nil when they match.
    public func difference(from now: TrainingIdentity) -> String? {
        for (then, current) in zip(model, now.model) where then != current {
            if then.name == "vocabulary" { return "the loaded model's vocabulary differs from the checkpoint's" }
            return "the checkpoint was trained on a model with \(then.name) \(then.value); the loaded model has \(current.value)"
        }
        for (then, current) in zip(data, now.data) where then != current {
            switch then.name {
            case "labels":
                return "the checkpoint's labels are \(then.value); the dataset's are \(current.value)"
            case "training split", "validation split":
                return "the \(then.name) differs from the checkpoint's (same size, other texts, labels, order or maxLength)"
            default:
                return "the checkpoint's run had \(then.value) \(then.name); the dataset has \(current.value)"
            }
        }
        return model.count == now.model.count && data.count == now.data.count ? nil : "the checkpoint records other fields"
    }

    /// FNV-1a (64 bit) over each example's ids, token types and label, as 16 hex digits.
    public static func fingerprint(_ examples: [EncodedExample]) -> String {
        var hash = Hash()
        for example in examples {
            hash.add(UInt64(example.ids.count))
            for id in example.ids { hash.add(UInt64(UInt32(bitPattern: id))) }
            for id in example.typeIds { hash.add(UInt64(UInt32(bitPattern: id))) }
            switch example.target {
            case .classID(let id)?: hash.add(1); hash.add(UInt64(id))
            case .classIDs(let ids)?: hash.add(2); hash.add(UInt64(ids.count)); ids.forEach { hash.add(UInt64($0)) }
            case .value(let value)?: hash.add(3); hash.add(value.bitPattern)
            case nil: hash.add(4)
            }
        }
        return hash.hex
    }

    /// FNV-1a (64 bit) over strings (each followed by a 0 byte), as 16 hex digits.
    public static func fingerprint(of strings: [String]) -> String {
        var hash = Hash()
        for string in strings {
            for byte in string.utf8 { hash.byte(byte) }
            hash.byte(0)
        }
        return hash.hex
    }

    private struct Hash {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
        mutating func add(_ word: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { byte(UInt8(truncatingIfNeeded: word >> shift)) } }
        var hex: String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
    }

    var json: OrderedJSON {
        .object([("model", .object(model.map { ($0.name, .string($0.value)) })),
                 ("data", .object(data.map { ($0.name, .string($0.value)) }))])
    }

    init(json: OrderedJSON, reader: CheckpointReader) throws {
        func fields(_ key: String) throws -> [Field] {
            guard let members = json[key]?.members else { throw reader.failure("identity.\(key) is missing") }
            return try members.map { member in
                guard let value = member.value.stringValue else { throw reader.failure("identity.\(key).\(member.key) is not a string") }
                return Field(name: member.key, value: value)
            }
        }
        model = try fields("model")
        data = try fields("data")
    }
}
