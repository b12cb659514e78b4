import Foundation
import Numerics

/// Fine-tuning of a sequence classifier over encoded examples, as the transformers `Trainer`
/// does it: seeded shuffling each epoch, dynamic padding per batch, gradient accumulation,
/// clipping, AdamW with a linear warmup/decay schedule, validation each epoch, and early
/// stopping that restores the best weights.
///
///     let step = try TrainingStep(network: network, options: .init(learningRate: 5e-5, totalSteps: 1))
///     let trainer = Trainer(step: step, paddingId: tokenizer.paddingTokenId)
///     let outcome = try trainer.run(train: examples, validation: held, options: TrainOptions(epochs: 3))
///
/// The optimizer (moments, step count, schedule) lives in `step`, so a second `run` continues:
/// its schedule is extended to the old step count plus the new steps. The loop checks
/// `checkInterrupt` before every micro-batch and every encoder layer of its forward and backward passes
/// (an interrupt is honoured within one layer's time): a stop leaves the weights as the last completed
/// optimizer step made them (partial gradients are discarded), and the optimizer consistent. A run
/// that throws before its first update leaves the step exactly as it was (its options included).
public final class Trainer {
    /// After each optimizer step.
    public struct StepEvent {
        /// Steps of this run so far, and the run's total.
        public let runStep: Int
        public let runSteps: Int
        /// The optimizer's step count (over all runs).
        public let globalStep: Int
        /// 0-based epoch of this run, and the fraction of it done.
        public let epoch: Int
        public let epochFraction: Double
        public let loss: Double
        public let learningRate: Double
        /// Examples processed in this run.
        public let samples: Int
    }

    /// After each epoch's validation.
    public struct EpochEvent: Equatable {
        /// 0-based epoch of this run.
        public let epoch: Int
        public let globalStep: Int
        public let trainLoss: Double
        /// Accuracy (single-label) or subset accuracy (multi-label) of the training batches,
        /// in training mode; nil for regression.
        public let trainAccuracy: Double?
        public let validationLoss: Double?
        public let validationAccuracy: Double?
        /// The whole validation pass (logits and targets), for the task's further metrics.
        public let validation: Evaluation.Result?
        /// The validation loss improved on the best so far (always true without validation).
        public let improved: Bool
    }

    public struct Outcome: Equatable {
        public let epochs: [EpochEvent]
        public let steps: Int
        /// Early stopping ended the run before its last epoch.
        public let stoppedEarly: Bool
        /// With `patience`: the 0-based epoch whose weights were restored.
        public let bestEpoch: Int?
    }

    public let step: TrainingStep
    public let paddingId: Int
    /// With sliding windows: which validation windows belong to which text, so that validation
    /// reports per text (`Evaluation.run(_:batchSize:groups:)`).
    public var validationGroups: WindowGroups?

    public init(step: TrainingStep, paddingId: Int) {
        self.step = step
        self.paddingId = paddingId
    }

    public var network: BertNetwork { step.network }

    /// Trains on `train`, validating on `validation` after each epoch. The loss is the one of the
    /// network's `config.resolvedProblemType` (see `Evaluation`): every example must carry a
    /// label of that task (a class id, a set of class ids, a value), class ids in 0..<L.
    /// - onStep, onEpoch: progress reports (called on this thread)
    /// - checkInterrupt: throws to stop; called before every micro-batch and validation batch
    public func run(train: [EncodedExample], validation: [EncodedExample], options: TrainOptions,
                    onStep: (StepEvent) -> Void = { _ in }, onEpoch: (EpochEvent) -> Void = { _ in },
                    checkInterrupt: () throws -> Void = {}) throws -> Outcome {
        guard !train.isEmpty else { throw BertError(.argument, "there are no training examples") }
        try options.validate()
        let task = network.config.resolvedProblemType
        try TaskTargets.check(train + validation, task: task, labels: network.config.numLabels)
        if task != .singleLabel, options.classWeights || options.labelSmoothing != 0 {
            throw BertError(.argument, "class weights and label smoothing apply to single-label classification only")
        }
        let classWeights = options.classWeights ? Self.balancedWeights(train, classes: network.config.numLabels) : nil
        let perEpoch = options.stepsPerEpoch(count: train.count)
        let runSteps = perEpoch * options.epochs
        // A run that throws before its first update leaves the step as it found it.
        let stepOptionsBefore = step.options
        var runStep = 0
        var finished = false
        defer { if runStep == 0 && !finished { step.options = stepOptionsBefore } }
        configureSchedule(options: options, classWeights: classWeights, runSteps: runSteps)

        let evaluator = Evaluation(network: network, paddingId: paddingId)
        var events: [EpochEvent] = []
        var bestLoss = Double.infinity, bestEpoch: Int?, bestWeights: [Float]?, epochsWithoutImprovement = 0
        var samples = 0
        var stoppedEarly = false
        for epoch in 0..<options.epochs {
            var generator = SeededGenerator(seed: UInt64(options.seed) &+ UInt64(epoch) &* 0x9E37_79B9)
            var order = generator.shuffled(Array(train.indices))
            if options.groupByLength {
                // transformers groups by the examples of one optimizer step (batch × accumulation).
                order = LengthGrouping.order(shuffled: order, lengths: train.map(\.count),
                                             batchSize: options.batch * options.accumulate)
            }
            let batches = stride(from: 0, to: order.count, by: options.batch).map {
                Array(order[$0..<min($0 + options.batch, order.count)])
            }
            var lossSum = 0.0, correct = 0, seen = 0, stepsThisEpoch = 0
            for first in stride(from: 0, to: batches.count, by: options.accumulate) {
                let group = Array(batches[first..<min(first + options.accumulate, batches.count)])
                let result = try optimizerStep(group.map { $0.map { train[$0] } }, checkInterrupt: checkInterrupt)
                runStep += 1
                stepsThisEpoch += 1
                samples += result.examples
                seen += result.examples
                correct += result.correct
                lossSum += result.loss
                onStep(StepEvent(runStep: runStep, runSteps: runSteps, globalStep: step.step, epoch: epoch,
                                 epochFraction: Double(first + group.count) / Double(batches.count), loss: result.loss,
                                 learningRate: Double(result.learningRate), samples: samples))
            }
            var validationResult: Evaluation.Result?
            if !validation.isEmpty {
                validationResult = try evaluator.run(validation, batchSize: max(options.batch, 32), groups: validationGroups,
                                                     checkInterrupt: checkInterrupt)
            }
            let validationLoss = validationResult?.loss
            let monitored = validationLoss ?? -Double(epoch)   // without validation, the latest is the best
            let improved = monitored < bestLoss
            if improved {
                bestLoss = monitored
                bestEpoch = epoch
                epochsWithoutImprovement = 0
                if options.patience != nil, !validation.isEmpty {
                    bestWeights = Array(UnsafeBufferPointer(start: network.parameters.pointer, count: network.parameters.count))
                }
            } else {
                epochsWithoutImprovement += 1
            }
            let event = EpochEvent(epoch: epoch, globalStep: step.step, trainLoss: lossSum / Double(max(1, stepsThisEpoch)),
                                   trainAccuracy: task == .regression ? nil : Double(correct) / Double(max(1, seen)),
                                   validationLoss: validationLoss, validationAccuracy: validationResult?.accuracy,
                                   validation: validationResult, improved: improved)
            events.append(event)
            onEpoch(event)
            if let patience = options.patience, epochsWithoutImprovement >= patience, epoch < options.epochs - 1 {
                stoppedEarly = true
                break
            }
        }
        var restored: Int?
        if options.patience != nil, let bestWeights, let bestEpoch {
            bestWeights.withUnsafeBufferPointer { network.parameters.pointer.update(from: $0.baseAddress!, count: $0.count) }
            restored = bestEpoch
        }
        finished = true
        return Outcome(epochs: events, steps: runStep, stoppedEarly: stoppedEarly, bestEpoch: restored)
    }

    /// scikit-learn's "balanced" weights over the training examples, n / (L · count(class)).
    /// (A loop of its own: `compactMap { $0.target?.classID }` inside `run` crashes Swift 6.3.1's
    /// optimizer, CopyPropagation, in release builds.)
    private static func balancedWeights(_ examples: [EncodedExample], classes: Int) -> [Float] {
        var ids: [Int] = []
        ids.reserveCapacity(examples.count)
        for example in examples {
            if case .classID(let id)? = example.target { ids.append(id) }
        }
        return LossOptions.balancedWeights(labels: ids, classes: classes)
    }

    /// One run's schedule: the first run warms up over `warmup · runSteps` steps (rounded up, as
    /// transformers' `get_warmup_steps`) and decays to 0 at its end; a later run keeps the
    /// warmup and extends the decay over the new steps, at the new peak learning rate.
    /// - classWeights: (L) the loss's class weights, or nil
    func configureSchedule(options: TrainOptions, classWeights: [Float]?, runSteps: Int) {
        var o = step.options
        o.learningRate = Float(options.lr)
        if step.step == 0 { o.warmupSteps = Int((options.warmup * Double(runSteps)).rounded(.up)) }
        o.totalSteps = step.step + runSteps
        o.weightDecay = Float(options.weightDecay)
        o.maxGradNorm = options.clip.map(Float.init)
        o.loss = LossOptions(classWeights: classWeights, labelSmoothing: Float(options.labelSmoothing))
        o.dropoutSeed = UInt64(options.seed)
        o.dropoutNumbering = .fineTuning
        step.options = o
    }

    struct StepResult {
        let loss: Double
        let learningRate: Float
        let examples: Int
        /// Examples whose prediction was right (single-label: the arg-max; multi-label: every
        /// label's logit ≥ 0 exactly for its true labels; regression: 0).
        let correct: Int
    }

    /// One `TrainingStep.run` over the micro-batches (each padded to its longest example, as
    /// transformers' `padding=True`; rounding up to a multiple would only cost compute, arenas are
    /// reused across batch shapes), and the training accuracy from the logits it returns. Throws
    /// before the update on an interrupt or a non-finite number.
    private func optimizerStep(_ microBatches: [[EncodedExample]], checkInterrupt: () throws -> Void) throws -> StepResult {
        let L = network.config.numLabels
        let task = network.config.resolvedProblemType
        let batches = try microBatches.map { examples in
            (try Predictor.batch(examples, paddingId: paddingId, limit: network.config.maxPositionEmbeddings),
             TaskTargets.labels(examples, task: task, labels: L))
        }
        let result = try step.run(batches, checkInterrupt: checkInterrupt, error: { reason, number in
            switch reason {
            case .loss:
                BertError(.numeric, "the training loss became non-finite at step \(number); training stopped "
                          + "and the weights of step \(number - 1) are kept (try a smaller lr or clip)")
            case .gradientNorm:
                BertError(.numeric, "the gradient norm became non-finite at step \(number); training stopped "
                          + "and the weights of step \(number - 1) are kept (try a smaller lr or clip)")
            }
        })
        var lossSum = 0.0, examples = 0, correct = 0
        for (examplesOfBatch, micro) in zip(microBatches, result.microBatches) {
            lossSum += Double(micro.loss)
            let logits = micro.logits ?? []
            for (row, example) in examplesOfBatch.enumerated() {
                switch task {
                case .singleLabel:
                    var best = 0
                    for c in 1..<max(1, L) where logits[row * L + c] > logits[row * L + best] { best = c }
                    if best == example.label { correct += 1 }
                case .multiLabel:
                    let targets = TaskTargets.multiHot(example, labels: L)
                    if (0..<L).allSatisfy({ (logits[row * L + $0] >= 0) == (targets[$0] > 0.5) }) { correct += 1 }
                case .regression:
                    break
                }
            }
            examples += examplesOfBatch.count
        }
        return StepResult(loss: lossSum / Double(microBatches.count), learningRate: result.learningRate,
                          examples: examples, correct: correct)
    }
}
