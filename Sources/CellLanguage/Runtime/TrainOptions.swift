import TextDatasets

/// The hyper-parameters of `train(...)`, with the command's defaults.
public struct TrainOptions: Equatable {
    public var epochs = 3
    public var lr = 5e-5
    public var batch = 32
    public var maxLength = 128
    /// Fraction of this run's optimizer steps spent warming up (first run only).
    public var warmup = 0.0
    public var weightDecay = 0.01
    public var seed = 42
    /// Maximum gradient norm; nil for no clipping.
    public var clip: Double? = 1.0
    public var accumulate = 1
    /// Epochs without a lower validation loss before stopping (the best weights are restored).
    public var patience: Int?
    /// Balanced class weights in the loss (n / (L · count(class))); single-label only.
    public var classWeights = false
    /// ε of the cross-entropy's label smoothing (`torch.nn.CrossEntropyLoss(label_smoothing:)`),
    /// in [0, 1); single-label only.
    public var labelSmoothing = 0.0
    /// Batches of similar length (transformers' `group_by_length`): less padding, faster epochs.
    public var groupByLength = false

    public init(epochs: Int = 3, lr: Double = 5e-5, batch: Int = 32, maxLength: Int = 128, warmup: Double = 0,
                weightDecay: Double = 0.01, seed: Int = 42, clip: Double? = 1.0, accumulate: Int = 1,
                patience: Int? = nil, classWeights: Bool = false, labelSmoothing: Double = 0,
                groupByLength: Bool = false) {
        self.epochs = epochs
        self.lr = lr
        self.batch = batch
        self.maxLength = maxLength
        self.warmup = warmup
        self.weightDecay = weightDecay
        self.seed = seed
        self.clip = clip
        self.accumulate = accumulate
        self.patience = patience
        self.classWeights = classWeights
        self.labelSmoothing = labelSmoothing
        self.groupByLength = groupByLength
    }

    /// Rejects absurd values with an `ArgumentError` naming the argument.
    func validate(maxPositions: Int) throws {
        func fail(_ argument: String, _ message: String) -> SessionError { SessionError(.argument, message, argument: argument) }
        guard (1...10_000).contains(epochs) else { throw fail("epochs", "epochs must be between 1 and 10000, got \(epochs)") }
        guard lr.isFinite, lr > 0, lr < 1 else {
            throw fail("lr", "lr must be a learning rate in (0, 1), e.g. 5e-5; got \(Value.format(lr))")
        }
        guard (1...65_536).contains(batch) else { throw fail("batch", "batch must be between 1 and 65536, got \(batch)") }
        guard maxLength >= 2, maxLength <= maxPositions else {
            throw fail("maxLength", "maxLength must be between 2 and the model's max_position_embeddings \(maxPositions), got \(maxLength)")
        }
        guard warmup.isFinite, warmup >= 0, warmup <= 1 else {
            throw fail("warmup", "warmup must be a fraction of the steps in [0, 1], got \(Value.format(warmup))")
        }
        guard weightDecay.isFinite, weightDecay >= 0, weightDecay < 1 else {
            throw fail("weightDecay", "weightDecay must be in [0, 1), got \(Value.format(weightDecay))")
        }
        guard seed >= 0 else { throw fail("seed", "seed must not be negative, got \(seed)") }
        if let clip, !(clip.isFinite && clip > 0) {
            throw fail("clip", "clip must be a positive gradient norm (or nil for none), got \(Value.format(clip))")
        }
        guard (1...4096).contains(accumulate) else { throw fail("accumulate", "accumulate must be between 1 and 4096, got \(accumulate)") }
        if let patience, !(1...10_000).contains(patience) {
            throw fail("patience", "patience must be a positive number of epochs, got \(patience)")
        }
        guard labelSmoothing.isFinite, labelSmoothing >= 0, labelSmoothing < 1 else {
            throw fail("labelSmoothing", "labelSmoothing must be in [0, 1), e.g. 0.1; got \(Value.format(labelSmoothing))")
        }
    }

    /// Rejects options that do not apply to the dataset's task, with an `ArgumentError`.
    func validate(for task: TaskKind) throws {
        guard task != .singleLabel else { return }
        let kind = task == .multiLabel ? "multi-label classification (its loss is a binary cross-entropy per label)"
                                       : "regression (its loss is the mean squared error)"
        if classWeights {
            throw SessionError(.argument, "classWeights applies to single-label classification; the dataset is \(kind)",
                               argument: "classWeights")
        }
        if labelSmoothing != 0 {
            throw SessionError(.argument, "labelSmoothing applies to single-label classification; the dataset is \(kind)",
                               argument: "labelSmoothing")
        }
    }
}
