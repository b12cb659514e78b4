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
        // Callers bound the sizes first (BertConfig.validate); overflow here is a programmer
        // error, so it stops with the tensor's name rather than wrapping or trapping blind.
        var count = 1
        for dimension in shape {
            precondition(dimension >= 0, "negative dimension in \(name) \(shape)")
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            precondition(!overflow, "\(name) \(shape) overflows Int")
            count = product
        }
        let (total, overflow) = totalCount.addingReportingOverflow(count)
        precondition(!overflow, "the layout's size overflows Int at \(name)")
        let entry = Entry(name: name, shape: shape, offset: totalCount, decays: decay)
        index[name] = entries.count
        entries.append(entry)
        totalCount = total
    }

    public subscript(name: String) -> Entry? { index[name].map { entries[$0] } }

    public var names: [String] { entries.map(\.name) }
}
