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
/// `BertForPreTraining` computes (the two cross-entropies summed). It uses the same pieces as
/// fine-tuning: `BertNetwork.forwardBackward` (the layers' backward passes), global-norm
/// clipping, `AdamW` with the no-decay groups and the linear warm-up/decay schedule. It is not a
/// `TrainingStep` only because a step must report the MLM and NSP losses separately.
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
    public let optimizer: AdamW
    public let schedule: LinearSchedule

    /// Updates taken so far.
    public var step: Int { optimizer.step }

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
        optimizer = AdamW(layout: network.layout, settings: AdamW.Settings(weightDecay: options.weightDecay))
        schedule = LinearSchedule(peakLearningRate: options.learningRate, warmupSteps: options.warmupSteps,
                                  totalSteps: options.steps)
    }

    /// One update: next batch, forward + backward of MLM + NSP, clipping, AdamW at the
    /// schedule's rate. Throws `BertError(.numeric)` on a non-finite loss or gradient norm,
    /// before the weights change.
    @discardableResult
    public func runStep() throws -> PretrainingRecord {
        let next = try batches.next()
        let (report, norm, lr) = try Self.update(network, optimizer: optimizer, schedule: schedule, options: options,
                                                 batch: next.batch, labels: next.labels)
        let record = PretrainingRecord(step: step, maskedLMLoss: report.maskedLMLoss ?? .nan,
                                       nextSentenceLoss: report.nextSentenceLoss ?? .nan, learningRate: lr,
                                       gradientNorm: norm, maskedPositions: next.maskedCount)
        records.append(record)
        return record
    }

    /// The update itself, on a given batch (the parity test feeds PyTorch's batches here).
    static func update(_ network: BertNetwork, optimizer: AdamW, schedule: LinearSchedule, options: PretrainingOptions,
                       batch: BertBatch, labels: BertLabels) throws -> (report: BertLossReport, norm: Float, lr: Float) {
        let step = optimizer.step
        network.zeroGradients()
        // One dropout seed per step, derived from the run's seed (as TrainingStep does).
        let dropoutSeed = options.dropout > 0 ? (options.seed &+ UInt64(step &+ 1) &* 0x9E37_79B9_7F4A_7C15) : nil
        let report = try network.forwardBackward(batch, labels: labels, dropoutSeed: dropoutSeed)
        let norm = options.maxGradNorm.map { GradientClipping.clip(network.gradients, maxNorm: $0) }
            ?? GradientClipping.norm(network.gradients)
        guard norm.isFinite else {
            network.zeroGradients()
            throw BertError(.numeric, "the gradient norm is \(norm) at pre-training step \(step + 1); the weights were not changed")
        }
        let lr = schedule.learningRate(at: step)
        optimizer.update(parameters: network.parameters, gradients: network.gradients, lr: lr)
        return (report, norm, lr)
    }
}
