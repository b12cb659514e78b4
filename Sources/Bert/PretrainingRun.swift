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
    /// The processes the run spans (`ProcessGroups.world` unless set). With R > 1 every rank
    /// draws the same batches (the same seed) and computes its share of each batch's rows;
    /// the gradients are summed before clipping (`TrainingStep.Share`), so every rank takes the
    /// same AdamW step and the weights equal one process's with the same batch, up to the order
    /// of float sums. Dropout draws masks over a rank's rows, not the batch's: only with
    /// dropout 0 are the two runs the same run.
    public var processGroup: any ProcessGroup = ProcessGroups.world

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
        let (mine, share) = try Self.share(of: next, group: processGroup)
        // Before each layer, whether a rank is gone (`checkPeers`; nothing on one process).
        let group = processGroup
        let result = try trainingStep.run(mine, share: share, checkInterrupt: { try group.checkPeers() }, error: { reason, number in
            switch reason {
            case .loss(let error): error
            case .gradientNorm(let norm):
                BertError(.numeric, "the gradient norm is \(norm) at pre-training step \(number); the weights were not changed")
            }
        })
        let record = PretrainingRecord(step: step, maskedLMLoss: result.maskedLMLoss ?? .nan,
                                       nextSentenceLoss: result.nextSentenceLoss ?? .nan, learningRate: result.learningRate,
                                       gradientNorm: result.gradientNorm, maskedPositions: next.maskedCount)
        records.append(record)
        return record
    }

    /// This rank's rows of `next` (none, or the whole batch on one process) and its `Share`: the
    /// fraction of the batch's masked positions (the MLM mean's denominator) and of its rows (the
    /// NSP mean's) that its rows hold. The rows keep the batch's length T and, as `firstExample`, their
    /// place in it, which keys their dropout masks.
    static func share(of next: PretrainingBatch, group: any ProcessGroup) throws
        -> (microBatches: [(BertBatch, BertLabels)], share: TrainingStep.Share?) {
        guard group.size > 1 else { return ([(next.batch, next.labels)], nil) }
        guard case .preTraining(let masked, let nextSentence) = next.labels else {
            throw BertError(.argument, "a pre-training batch carries MLM and NSP labels")
        }
        let B = next.batch.batchSize, T = next.batch.sequenceLength
        let rows = group.share(of: B)
        var share = TrainingStep.Share(group: group, microBatchCount: 1, indices: [], fractions: [], preTrainingFractions: [])
        guard !rows.isEmpty else { return ([], share) }
        let tokens = (rows.lowerBound * T)..<(rows.upperBound * T)
        func isMasked(_ label: Int32) -> Bool { Int(label) != CrossEntropy.ignoreIndex }
        let maskedHere = masked[tokens].filter(isMasked).count, maskedAll = masked.filter(isMasked).count
        var batch = try BertBatch(batchSize: rows.count, sequenceLength: T, inputIds: Array(next.batch.inputIds[tokens]),
                                  tokenTypeIds: Array(next.batch.tokenTypeIds[tokens]),
                                  attentionMask: Array(next.batch.attentionMask[tokens]))
        batch.firstExample = rows.lowerBound
        share.indices = [0]
        share.fractions = [1]
        share.preTrainingFractions = [PreTrainingFractions(maskedLM: maskedAll == 0 ? 0 : Float(maskedHere) / Float(maskedAll),
                                                           nextSentence: Float(rows.count) / Float(B))]
        return ([(batch, .preTraining(maskedLM: Array(masked[tokens]), nextSentence: Array(nextSentence[rows])))], share)
    }
}
