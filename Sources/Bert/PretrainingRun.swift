import Numerics
import WordPiece

/// One pre-training update's numbers.
public struct PretrainingRecord: Equatable {
    /// Updates taken so far, this one included (1-based).
    public let step: Int
    public let maskedLMLoss: Float
    public let nextSentenceLoss: Float
    public let learningRate: Float
    /// Global gradient 2-norm before clipping.
    public let gradientNorm: Float
    /// Positions the MLM loss was taken over in this batch.
    public let maskedPositions: Int
}

/// Pre-trains a BERT from scratch with masked-LM + next-sentence prediction, the loss
/// `BertForPreTraining` computes (the two cross-entropies summed). Each update is a
/// `TrainingStep` (the one fine-tuning uses): `BertNetwork.forwardBackward` (the layers' backward
/// passes), global-norm clipping, `AdamW` with the no-decay groups and the linear warm-up/decay
/// schedule; the step reports the MLM and NSP losses separately.
///
///     let run = try PretrainingRun(documents: corpus.documents, tokenizer: tokenizer, options: options)
///     while run.step < options.steps {
///         let record = try run.runStep()   // check for interrupts between steps
///     }
///     run.network   // heads .preTraining, ready for `mask`, `nsp`, saving
///
/// Each step is complete or not taken: an interrupt between steps leaves a consistent model.
public final class PretrainingRun {
    public let network: BertNetwork
    public let tokenizer: BertTokenizer
    public let options: PretrainingOptions
    public private(set) var records: [PretrainingRecord] = []
    public private(set) var batches: PretrainingBatches
    /// The optimizer (AdamW moments, step count) and schedule.
    public let trainingStep: TrainingStep

    /// Updates taken so far.
    public var step: Int { trainingStep.step }

    /// A freshly initialised model (transformers' `_init_weights` from `options.seed`) and the
    /// batch stream over `documents`.
    /// - documents: sentences of each document; at least two documents (NotNext needs another)
    /// - tokenizer: its vocabulary becomes the model's (`vocab_size` = its size)
    public init(documents: [[String]], tokenizer: BertTokenizer, options: PretrainingOptions) throws {
        try options.validate()
        self.tokenizer = tokenizer
        self.options = options
        let config = options.config(vocabularySize: tokenizer.vocabularySize, padTokenId: tokenizer.paddingTokenId)
        network = try BertNetwork(config: config, heads: .preTraining)
        var generator = SeededGenerator(seed: options.seed)
        network.initializeAll(using: &generator)
        batches = try PretrainingBatches(documents: try PretrainingBatches.tokenize(documents, with: tokenizer),
                                         tokenizer: tokenizer, vocabularySize: config.vocabSize,
                                         maxLength: options.maxLength, batchSize: options.batchSize,
                                         seed: options.seed &+ 1)
        trainingStep = try TrainingStep(network: network, options: Self.stepOptions(options))
    }

    /// The step's options: the run's rate, schedule over `steps`, decay and clipping; dropout
    /// seeded from the run's seed in the `.preTraining` numbering, off when `dropout` is 0.
    static func stepOptions(_ options: PretrainingOptions) -> TrainingStep.Options {
        TrainingStep.Options(learningRate: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: options.steps,
                             weightDecay: options.weightDecay, maxGradNorm: options.maxGradNorm,
                             dropoutSeed: options.dropout > 0 ? options.seed : nil, dropoutNumbering: .preTraining)
    }

    /// One update: next batch, forward + backward of MLM + NSP, clipping, AdamW at the
    /// schedule's rate. Throws `BertError(.numeric)` on a non-finite loss or gradient norm,
    /// before the weights change.
    @discardableResult
    public func runStep() throws -> PretrainingRecord {
        let next = try batches.next()
        let result = try trainingStep.run([(next.batch, next.labels)], error: { reason, number in
            switch reason {
            case .loss(let error): error
            case .gradientNorm(let norm):
                BertError(.numeric, "the gradient norm is \(norm) at pre-training step \(number); the weights were not changed")
            }
        })
        let micro = result.microBatches[0]
        let record = PretrainingRecord(step: step, maskedLMLoss: micro.maskedLMLoss ?? .nan,
                                       nextSentenceLoss: micro.nextSentenceLoss ?? .nan, learningRate: result.learningRate,
                                       gradientNorm: result.gradientNorm, maskedPositions: next.maskedCount)
        records.append(record)
        return record
    }
}
