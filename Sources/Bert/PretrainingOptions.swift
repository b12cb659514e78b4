/// The size of a BERT pre-trained from scratch and how it is trained. The defaults make a
/// model that learns something visible from the ~200-sentence demo corpus in a minute on two
/// cores: 2 layers of width 128 with 2 heads (BERT-tiny's shape, Turc et al. 2019), sequences of
/// 64 tokens, batches of 16, AdamW at 1e-3 with 10% warm-up and linear decay (small models take a
/// larger rate than BERT-base's 1e-4), weight decay 0.01 and clipping at 1.0 as in fine-tuning.
///
///     var options = PretrainingOptions()
///     options.steps = 300
///     let config = options.config(vocabularySize: tokenizer.vocabularySize, padTokenId: 0)
public struct PretrainingOptions: Equatable {
    /// Optimizer updates.
    public var steps = 200
    public var layers = 2
    public var hidden = 128
    public var heads = 2
    /// nil: 4 × hidden, BERT's ratio.
    public var intermediate: Int?
    /// Tokens per `[CLS] A [SEP] B [SEP]` example, the specials included.
    public var maxLength = 64
    public var learningRate: Float = 1e-3
    public var batchSize = 16
    /// Share of `steps` spent warming the learning rate up from 0.
    public var warmupFraction = 0.1
    public var weightDecay: Float = 0.01
    /// Global gradient-norm clipping; nil for none.
    public var maxGradNorm: Float? = 1.0
    /// Hidden and attention dropout, as BERT's 0.1.
    public var dropout = 0.1
    /// Seeds the initial weights, the NSP pairs, the masks and the dropout.
    public var seed: UInt64 = 42

    public init() {}

    public var warmupSteps: Int { Int((warmupFraction * Double(steps)).rounded()) }

    /// Throws on sizes the model cannot have or that would not fit a notebook.
    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws {
            if !ok { throw BertError(.argument, message) }
        }
        try require(steps >= 1 && steps <= 1_000_000, "steps must be between 1 and 1000000 (got \(steps))")
        try require(layers >= 1 && layers <= 24, "layers must be between 1 and 24 (got \(layers))")
        try require(hidden >= 4 && hidden <= 1024, "hidden must be between 4 and 1024 (got \(hidden))")
        try require(heads >= 1 && hidden % heads == 0,
                    "hidden \(hidden) must be a multiple of heads \(heads) (each head gets hidden / heads channels)")
        try require((intermediate ?? 1) >= 1 && (intermediate ?? 1) <= 8192, "intermediate must be between 1 and 8192")
        try require(maxLength >= 8 && maxLength <= 512, "maxLength must be between 8 and 512 (got \(maxLength))")
        try require(batchSize >= 1 && batchSize <= 1024, "batch must be between 1 and 1024 (got \(batchSize))")
        try require(learningRate.isFinite && learningRate > 0 && learningRate < 1, "lr must be in (0, 1) (got \(learningRate))")
        try require(warmupFraction >= 0 && warmupFraction <= 1, "warmup must be a fraction in [0, 1] (got \(warmupFraction))")
        try require(weightDecay >= 0 && weightDecay.isFinite, "weightDecay must be >= 0")
        try require(maxGradNorm.map { $0 > 0 && $0.isFinite } ?? true, "clip must be positive")
        try require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1) (got \(dropout))")
    }

    /// The model's config. `max_position_embeddings` is 512 as in BERT, not `maxLength`, so the
    /// model can later read (and be fine-tuned on) longer texts than it was pre-trained on.
    public func config(vocabularySize: Int, padTokenId: Int) -> BertConfig {
        var config = BertConfig(vocabSize: vocabularySize, hiddenSize: hidden, numHiddenLayers: layers,
                                numAttentionHeads: heads, intermediateSize: intermediate ?? 4 * hidden,
                                maxPositionEmbeddings: max(512, maxLength), typeVocabSize: 2)
        config.hiddenDropoutProb = dropout
        config.attentionProbsDropoutProb = dropout
        config.padTokenId = padTokenId
        config.architectures = [BertHeads.preTraining.architecture]
        return config
    }
}
