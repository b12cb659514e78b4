/// Where each named tensor lives inside one flat `Float` allocation.
///
///     var layout = ParameterLayout()
///     layout.append("bert.pooler.dense.weight", shape: [C, C])
///     let weights = FloatBuffer(count: layout.totalCount)
///     let pooler = weights.pointer + layout["bert.pooler.dense.weight"]!.offset
///
/// The names are the checkpoint keys, so loading and saving need no renaming table. Parameters,
/// gradients and optimizer moments all share one layout, which makes the optimizer one flat loop
/// (llm.c `train_gpt2.c`, `ParameterTensors`).
public struct ParameterLayout {
    public struct Entry: Equatable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
        /// Whether AdamW applies weight decay: not to biases and LayerNorm weights, as the
        /// transformers Trainer groups them (`get_decay_parameter_names`).
        public let decays: Bool
    }

    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]
    public private(set) var totalCount = 0

    public init() {}

    /// Adds a tensor after the previous ones. `decays` defaults to the Trainer's rule: everything
    /// but biases and LayerNorm parameters.
    public mutating func append(_ name: String, shape: [Int], decays: Bool? = nil) {
        precondition(index[name] == nil, "duplicate parameter \(name)")
        let decay = decays ?? !(name.hasSuffix("bias") || name.contains("LayerNorm"))
        let entry = Entry(name: name, shape: shape, offset: totalCount, decays: decay)
        index[name] = entries.count
        entries.append(entry)
        totalCount += entry.count
    }

    public subscript(name: String) -> Entry? { index[name].map { entries[$0] } }

    public var names: [String] { entries.map(\.name) }
}
