import Numerics

/// A BERT encoder with its heads: the parameters (one allocation, named by checkpoint key), the
/// gradients in the same layout, and activation arenas reused per batch shape.
///
///     let network = try BertCheckpoint.load(from: directory, heads: .sequenceClassification).network
///     let out = try network.infer(try BertBatch(inputIds: [[101, 7592, 102]]))
///     out.logits   // (B, L)
///
/// Forward and backward follow llm.c: the forward runs embeddings, layers 0..<N, pooler, heads;
/// the backward runs exactly the reverse. Not thread-safe: one pass at a time.
public final class BertNetwork {
    public private(set) var config: BertConfig
    public let heads: BertHeads
    public let layout: ParameterLayout
    /// All parameters, laid out by `layout`.
    public let parameters: FloatBuffer
    /// The gradients in the same layout, allocated at the first backward pass.
    public private(set) lazy var gradients = FloatBuffer(count: layout.totalCount)

    let embeddings: BertEmbeddings
    let layers: [BertLayer]
    let pooler: BertPooler?
    let classifier: BertClassifier?
    let predictions: BertLMPredictionHead?
    let seqRelationship: BertClassifier?
    private var cachedActivations: [BertActivations] = []

    /// How often the encoder layers' forward and backward and the embeddings' backward ran: tests
    /// check with it that a pass skipped what it should (frozen layers, a cached encoder). One
    /// increment per layer call.
    struct PassCounts: Equatable {
        var layerForward = 0
        var layerBackward = 0
        var embeddingsBackward = 0
    }
    var passCounts = PassCounts()

    /// A network with all parameters zero; load or initialise them next.
    public init(config: BertConfig, heads: BertHeads) throws {
        try config.validate(source: "config")
        self.config = config
        let heads = heads.normalized
        let layout = BertParameters.layout(config: config, heads: heads)
        self.heads = heads
        self.layout = layout
        parameters = FloatBuffer(count: layout.totalCount)
        embeddings = BertEmbeddings(layout: layout, config: config)
        layers = (0..<config.numHiddenLayers).map { BertLayer(layout: layout, index: $0, config: config) }
        pooler = heads.contains(.pooler) ? BertPooler(layout: layout) : nil
        classifier = heads.contains(.classifier) ? BertClassifier(layout: layout, prefix: "classifier") : nil
        predictions = heads.contains(.maskedLM) ? BertLMPredictionHead(layout: layout, config: config) : nil
        seqRelationship = heads.contains(.nextSentence)
            ? BertClassifier(layout: layout, prefix: "cls.seq_relationship") : nil
    }

    /// Label names and problem type may change without touching shapes (e.g. on `save`).
    public func updateConfig(_ change: (inout BertConfig) -> Void) throws {
        var updated = config
        change(&updated)
        guard updated.numLabels == config.numLabels, updated.hiddenSize == config.hiddenSize,
              updated.vocabSize == config.vocabSize, updated.numHiddenLayers == config.numHiddenLayers else {
            throw BertError(.argument, "a config change may not change the parameter shapes")
        }
        try updated.validate(source: "config")
        config = updated
    }

    /// A parameter's values, read-only (for inspection, saving and tests); nil for an unknown name.
    public func parameter(_ name: String) -> VectorView? { mutableParameter(name)?.readOnly }

    /// A parameter's values to write: for loading, initialisation and grafting inside Bert (and
    /// tests), never handed out by the public API.
    func mutableParameter(_ name: String) -> MutableVectorView? {
        layout[name].map { parameters.vector(offset: $0.offset, count: $0.count) }
    }

    /// A parameter's gradient, read-only.
    public func gradient(_ name: String) -> VectorView? {
        layout[name].map { gradients.vector(offset: $0.offset, count: $0.count).readOnly }
    }

    public func zeroGradients() { gradients.zero() }

    /// Zeros the gradients of `range` of the flat layout (a step's trained parameters).
    public func zeroGradients(_ range: Range<Int>) {
        if range == 0..<gradients.count { return gradients.zero() }
        gradients.vector(offset: range.lowerBound, count: range.count).fill(0)
    }

    /// The number of parameters (the tied decoder counted once).
    public var parameterCount: Int { layout.totalCount }

    // MARK: - Forward

    /// An arena for this batch shape and mode, reused while the shape stays the same. Only the
    /// most recent inference and training arenas are kept; a new shape carves its slices out of
    /// the previous arena of its mode when that is large enough (dynamic padding changes T from
    /// batch to batch, and re-allocating would fault in every page again).
    /// Throws when the arena is more memory than the machine gives.
    func activations(B: Int, T: Int, training: Bool, dropout: Bool, keepAttentions: Bool) throws -> BertActivations {
        if let hit = cachedActivations.first(where: {
            $0.B == B && $0.T == T && $0.training == training && $0.dropout == dropout
                && ($0.keepAttentions || !keepAttentions)
        }) {
            return hit
        }
        var previous = cachedActivations.first { $0.training == training }?.arena
        cachedActivations.removeAll { $0.training == training }
        let made = try BertActivations(config: config, heads: heads, B: B, T: T, training: training, dropout: dropout,
                                   keepAttentions: keepAttentions, reusing: &previous)
        cachedActivations.append(made)
        return made
    }

    /// Releases the activation arenas (they are rebuilt on demand).
    public func releaseActivations() { cachedActivations.removeAll() }

    /// Runs the forward pass into an arena and returns it.
    /// - need: the heads whose outputs are wanted (others are skipped)
    /// - dropoutSeed: nil for evaluation semantics (no dropout); a seed for training dropout
    /// - keepAttentions: keep every layer's attention probabilities (inference shares them otherwise)
    /// - checkInterrupt: called before each encoder layer; throwing abandons the pass (the weights
    ///   are never touched by a forward pass, so nothing is left half-updated)
    /// - embeddingOutput: (B·T, C) used as the embeddings' output instead of running them (what
    ///   captum's layer hook does for integrated gradients); the ids then only pass validation
    /// - classificationRowsOnly: inference for the pooler's heads alone: the last layer computes
    ///   its [CLS] rows only (`BertLayer.forwardClassificationRows`), so the last hidden state
    ///   holds them in rows 0..<B and nothing else of it is valid
    func forward(_ batch: BertBatch, need: BertHeads, training: Bool, dropoutSeed: UInt64?,
                 keepAttentions: Bool = false, embeddingOutput: MatrixView? = nil, classificationRowsOnly: Bool = false,
                 checkInterrupt: () throws -> Void = {}) throws -> BertActivations {
        precondition(!classificationRowsOnly || (!training && !keepAttentions && need.isSubset(of: [.pooler, .classifier, .nextSentence])),
                     "the [CLS]-rows forward is inference for the pooler's heads")
        try batch.validate(for: config)
        let missing = need.subtracting(heads)
        guard missing.isEmpty else {
            throw BertError(.argument, "the model has no \(missing) head (it has \(heads))")
        }
        let B = batch.batchSize, T = batch.sequenceLength
        let dropout = dropoutSeed != nil
        let a = try activations(B: B, T: T, training: training, dropout: dropout, keepAttentions: keepAttentions)
        let m = a.arena, w = parameters
        a.ids = batch.inputIds
        a.types = batch.tokenTypeIds
        let keyMask = m.vector(a.keyMask)
        for i in 0..<(B * T) { keyMask[i] = batch.attentionMask[i] != 0 ? 1 : 0 }
        if let seed = dropoutSeed { makeDropoutMasks(a, seed: seed, firstExample: batch.firstExample) }

        if let embeddingOutput {
            m[a.embeddingOut].copy(from: embeddingOutput)
        } else {
            embeddings.forward(out: m[a.embeddingOut], normed: m[a.embeddingNormed], sum: m[a.embeddingSum],
                               mean: m.vector(a.embeddingMean), rstd: m.vector(a.embeddingRstd), ids: a.ids,
                               types: a.types, mask: m.optional(a.embeddingMask), T: T, params: w)
        }
        var input = m[a.embeddingOut].readOnly
        var positions = T   // rows per sequence in `input`
        for (index, (layer, acts)) in zip(layers, a.layers).enumerated() {
            try checkInterrupt()
            if classificationRowsOnly && index == layers.count - 1 {
                layer.forwardClassificationRows(acts, input: input, keyMask: keyMask.readOnly, arena: m,
                                                scratch: m[a.attentionScratch], clsInput: m[a.clsInput],
                                                clsContext: m[a.clsContext], T: T, params: w)
                input = m[acts.out].readOnly.rows(0..<B)
                positions = 1
            } else {
                layer.forward(acts, input: input, keyMask: keyMask.readOnly, arena: m, scratch: m[a.attentionScratch],
                              T: T, params: w)
                input = m[acts.out].readOnly
            }
            passCounts.layerForward += 1
        }
        headsForward(a, hidden: input, positions: positions, need: need)
        return a
    }

    /// The heads' forward (pooler, classifier, MLM, NSP) on `hidden` (B·positions, C), for the
    /// heads in `need`; `positions` is T, or 1 when `hidden` holds the [CLS] rows alone.
    func headsForward(_ a: BertActivations, hidden: MatrixView, positions: Int? = nil, need: BertHeads) {
        let m = a.arena, w = parameters, T = positions ?? a.T
        if let pooler, !need.isDisjoint(with: [.pooler, .classifier, .nextSentence]) {
            pooler.forward(pooled: m[a.pooled], preactivation: m[a.poolerPre], hidden: hidden, T: T, params: w)
        }
        if let classifier, need.contains(.classifier) {
            classifier.forward(logits: m[a.logits], dropped: m[a.classifierInput], pooled: m[a.pooled].readOnly,
                               mask: m.optional(a.classifierMask), params: w)
        }
        if let predictions, need.contains(.maskedLM) {
            predictions.forward(logits: m[a.predictionLogits], transformed: m[a.transformOut], pre: m[a.transformPre],
                                activated: m[a.transformGELU], mean: m.vector(a.transformMean),
                                rstd: m.vector(a.transformRstd), hidden: hidden, params: w)
        }
        if let seqRelationship, need.contains(.nextSentence) {
            seqRelationship.forward(logits: m[a.nspLogits], dropped: m[a.pooled], pooled: m[a.pooled].readOnly,
                                    mask: nil, params: w)
        }
    }

    /// One seed per mask, derived from the step's seed, so a step is reproducible; each element's
    /// counter from its example's index in the whole batch (`firstExample` + its row), its head and
    /// its positions counted up to the model's longest sequence (`Dropout.MaskKeys`), so that a
    /// rank's share of a batch, or the batch padded longer, draws the same numbers for the same
    /// tokens as the whole batch on one process.
    func makeDropoutMasks(_ a: BertActivations, seed: UInt64, firstExample: Int) {
        let m = a.arena, B = a.B, P = config.maxPositionEmbeddings
        let hidden = Dropout.MaskKeys.activations(firstExample: firstExample, examples: B, positions: P,
                                                  width: config.hiddenSize)
        let probabilities = Dropout.MaskKeys.attention(firstExample: firstExample, examples: B,
                                                       heads: config.numAttentionHeads, positions: P)
        let pooled = Dropout.MaskKeys.activations(firstExample: firstExample, examples: B, positions: 1,
                                                  width: config.hiddenSize)
        var slot: UInt64 = 0
        func fill(_ slice: ArenaSlice?, _ keys: Dropout.MaskKeys, _ p: Double) {
            slot += 1
            guard let slice else { return }
            Dropout.makeMask(m[slice], keys: keys, probability: Float(p), seed: seed &+ slot &* 0xD1B5_4A32_D192_ED03)
        }
        fill(a.embeddingMask, hidden, config.hiddenDropoutProb)
        for layer in a.layers {
            fill(layer.probsMask, probabilities, config.attentionProbsDropoutProb)
            fill(layer.attentionMask, hidden, config.hiddenDropoutProb)
            fill(layer.outMask, hidden, config.hiddenDropoutProb)
        }
        fill(a.classifierMask, pooled, config.classifierDropout ?? config.hiddenDropoutProb)
    }

    // MARK: - Inference

    /// The classifier's logits (B, L), row-major: `infer(batch).logits` to float32 rounding (OpenBLAS
    /// rounds a product differently with its row count; `ClassificationRowsTests`), with the last
    /// layer computed for the [CLS] rows alone (`BertLayer.forwardClassificationRows`): 12%
    /// less work for MiniLM-L6's 6 layers at T = 128, 6% for bert-base's 12. `Predictor` (predict,
    /// evaluate) runs on it.
    public func classificationLogits(_ batch: BertBatch) throws -> [Float] {
        guard heads.contains(.classifier) else { throw BertError(.argument, "the model has no classifier head") }
        let a = try forward(batch, need: [.pooler, .classifier], training: false, dropoutSeed: nil,
                            classificationRowsOnly: true)
        return a.arena[a.logits].array
    }

    /// Evaluation-mode forward pass (no dropout) returning logits and the requested extras.
    public func infer(_ batch: BertBatch, request: BertOutputRequest = []) throws -> BertOutput {
        var need = heads.intersection([.pooler, .classifier])
        if request.contains(.maskedLM) { need.insert(.maskedLM) }
        if request.contains(.nextSentence) { need.insert(.nextSentence) }
        let a = try forward(batch, need: need, training: false, dropoutSeed: nil,
                            keepAttentions: request.contains(.attentions))
        let m = a.arena
        func copy(_ slice: ArenaSlice) -> [Float] { m[slice].array }
        var out = BertOutput(batchSize: batch.batchSize, sequenceLength: batch.sequenceLength)
        out.lastHiddenState = copy(a.lastHidden)
        if heads.contains(.pooler) { out.pooled = copy(a.pooled) }
        if heads.contains(.classifier) { out.logits = copy(a.logits) }
        if request.contains(.maskedLM) { out.predictionLogits = copy(a.predictionLogits) }
        if request.contains(.nextSentence) { out.nextSentenceLogits = copy(a.nspLogits) }
        if request.contains(.hiddenStates) { out.hiddenStates = [copy(a.embeddingOut)] + a.layers.map { copy($0.out) } }
        if request.contains(.attentions) { out.attentions = a.layers.map { copy($0.probs) } }
        return out
    }
}
