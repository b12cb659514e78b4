import Foundation
import Numerics

/// Fine-tuning of a sequence classifier over encoded examples, as the transformers `Trainer`
/// does it: seeded shuffling each epoch, dynamic padding per batch, gradient accumulation,
/// clipping, AdamW with a warmup and a schedule (`LearningRateSchedule`), layer-wise rates and
/// frozen layers (`ParameterGroups`), validation each epoch, and early stopping that restores
/// the best weights. With the whole encoder frozen the encoder runs once per training example
/// (in evaluation mode, `BertNetwork+FrozenEncoder`) and every step trains the heads on those
/// outputs.
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
        /// Optimizer steps taken by this call.
        public let steps: Int
        /// Early stopping ended the run before its last epoch.
        public let stoppedEarly: Bool
        /// With `patience` or `control.best`: the 0-based epoch whose weights were restored.
        public let bestEpoch: Int?
        /// The run's state at the end (what a checkpoint of it would hold), with its best evaluation.
        public let progress: TrainerProgress
    }

    /// How a run picks its best weights, checkpoints and resumes (the defaults: none of it).
    public struct RunControl {
        /// The metric of the best evaluation; its weights are restored at the end. Nil keeps the
        /// last weights unless `patience` is set, which then watches the validation loss.
        public var best: BestMetric?
        /// Evaluations (and checkpoints) at every epoch's end, and with `.steps(n)` every n steps.
        public var every: CheckpointInterval = .epoch
        /// Writes a checkpoint at every evaluation, and on an interrupt before rethrowing it.
        public var checkpoints: TrainingCheckpoint.Writer?
        /// Called after each checkpoint with its folder and whether an interrupt caused it.
        public var onCheckpoint: (URL, _ interrupted: Bool) -> Void = { _, _ in }
        /// The state to continue from (the step's optimizer, schedule and weights restored from
        /// the same checkpoint), and the weights of its best evaluation (P), when they are kept.
        public var resume: TrainerProgress?
        public var bestWeights: [Float]?
        /// The task's metrics of a validation pass beyond loss and accuracy ("macro_f1", "mae", ...).
        public var metrics: (Evaluation.Result) -> [TrainerProgress.Metric] = { _ in [] }
        /// Asked after each epoch's evaluation with its metrics (`metrics`' included): true stops
        /// the run there if epochs remain, as patience does (`search` drops a trial that starts
        /// far behind the best, `Session+Search`).
        public var stopAfterEpoch: (_ epoch: Int, _ metrics: [TrainerProgress.Metric]) -> Bool = { _, _ in false }

        public init() {}
    }

    public let step: TrainingStep
    public let paddingId: Int
    /// The state the last `run` ended in, also when it threw (an interrupt, a numeric error).
    public private(set) var lastProgress: TrainerProgress?
    /// With sliding windows: which validation windows belong to which text, so that validation
    /// reports per text (`Evaluation.run(_:batchSize:groups:)`).
    public var validationGroups: WindowGroups?
    /// The processes the run spans (`ProcessGroups.world` unless set). With R > 1 every rank runs
    /// the same `run` on the same examples in lockstep: each takes its `share` of every micro-batch
    /// (the `batch` option is the global batch), the gradients are summed over the ranks before
    /// clipping, and the same AdamW step runs everywhere, so the weights stay equal on every rank and
    /// equal one process's with the same batch up to the order of float sums. Interrupts are agreed
    /// once per optimizer step and evaluation, and only rank 0 writes checkpoints.
    public var processGroup: any ProcessGroup = ProcessGroups.world
    /// With R > 1: after each epoch, compare a checksum of every rank's weights with rank 0's and
    /// throw if any differs (`checkSameWeightsOnEveryRank`). On in debug builds, as the issue asks;
    /// in release builds when `BERT_KERNEL_CHECK_RANKS=1`, so that tests/mpi, which run the release
    /// binary, run it too (it costs one pass over the weights and two tiny sums per epoch).
    public var checksWeightsAcrossRanks: Bool = {
        #if DEBUG
        return true
        #else
        return ProcessInfo.processInfo.environment["BERT_KERNEL_CHECK_RANKS"] == "1"
        #endif
    }()

    public init(step: TrainingStep, paddingId: Int) {
        self.step = step
        self.paddingId = paddingId
    }

    public var network: BertNetwork { step.network }

    /// Trains on `train`, validating on `validation` after each epoch (and every `control.every`
    /// steps). The loss is the one of the network's `config.resolvedProblemType` (see
    /// `Evaluation`): every example must carry a label of that task (a class id, a set of class
    /// ids, a value), class ids in 0..<L.
    /// - control: best weights, checkpoints, resume (`RunControl`)
    /// - onStep, onEpoch: progress reports (called on this thread)
    /// - checkInterrupt: throws to stop; called before every micro-batch and validation batch
    public func run(train: [EncodedExample], validation: [EncodedExample], options: TrainOptions,
                    control: RunControl = RunControl(),
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
        var stepsTaken = 0
        var finished = false
        defer { if stepsTaken == 0 && !finished { step.options = stepOptionsBefore } }
        var progress: TrainerProgress
        if var resumed = control.resume {
            // The schedule was restored with the optimizer; other epochs extend it, as a second call does.
            resumed.epochs = options.epochs
            step.options.totalSteps = resumed.runStartStep + runSteps
            progress = resumed
        } else {
            try configureSchedule(options: options, classWeights: classWeights, runSteps: runSteps)
            progress = TrainerProgress(runStartStep: step.step, epochs: options.epochs)
        }
        // Patience alone watches the validation loss, as it always has.
        let best = control.best ?? (options.patience != nil ? BestMetric("loss") : nil)
        let keepsBest = best != nil && !validation.isEmpty
        var bestWeights = keepsBest ? control.bestWeights : nil

        defer { lastProgress = progress }
        let evaluator = Evaluation(network: network, paddingId: paddingId)
        var events: [EpochEvent] = []
        var interrupted = false
        let group = processGroup
        /// One process: the caller's check, before every micro-batch and layer.
        func check() throws {
            do { try checkInterrupt() } catch { interrupted = true; throw error }
        }
        /// R processes: a stop must come at the same point on every rank, or one rank would wait
        /// in a sum the others never join, so the ranks agree (one tiny sum) before each optimizer
        /// step and each evaluation, and nothing inside them checks.
        func agreedCheck() throws {
            guard group.size > 1 else { return }
            var local: Error?
            do { try checkInterrupt() } catch { local = error }
            guard try group.anyRank(local != nil) else { return }
            interrupted = true
            throw local ?? StoppedOnAnotherRank("the run was interrupted")
        }
        /// What the step and the evaluation check inside (before each micro-batch, batch and layer):
        /// the caller's check, or on R processes only whether a rank is gone (`checkPeers`).
        func innerCheck() throws {
            if group.size == 1 { try check() } else { try group.checkPeers() }
        }
        // A frozen encoder: its outputs once, before the first step (an interrupt here changes
        // nothing). Every rank computes all of them, so on R processes the ranks agree on a stop
        // before each chunk of examples and inside a chunk only look for a lost rank.
        let features: [[Float]]? = if step.options.trained == .fromLayer(network.config.numHiddenLayers) {
            try encoderFeatures(train, checkInterrupt: group.size > 1 ? agreedCheck : checkInterrupt,
                                layerCheck: group.size > 1 ? { try group.checkPeers() } : checkInterrupt)
        } else {
            nil
        }
        var lastCheckpoint: (step: Int, url: URL)? = control.resume.flatMap { _ in
            control.checkpoints.map { (step.step, $0.folder.appendingPathComponent(TrainingCheckpoint.name(step: step.step))) }
        }

        func writeCheckpoint(interrupted: Bool) throws {
            guard let writer = control.checkpoints, group.rank == 0 else { return }
            let url = try writer.write(step, progress: progress)
            lastCheckpoint = (step.step, url)
            control.onCheckpoint(url, interrupted)
        }

        /// Evaluates (when there is a validation split), keeps the best, and decides early stopping.
        func evaluationPoint() throws -> (result: Evaluation.Result?, improved: Bool) {
            progress.evaluationPending = true
            var result: Evaluation.Result?
            if !validation.isEmpty {
                try agreedCheck()
                result = try evaluator.run(validation, batchSize: max(options.batch, 32), groups: validationGroups,
                                           checkInterrupt: innerCheck)
            }
            progress.evaluationPending = false
            let epochNow = Double(progress.epoch) + Double(progress.stepInEpoch) / Double(max(1, perEpoch))
            var improved = true   // without validation, the latest is the best
            if let result {
                var metrics = [TrainerProgress.Metric("loss", result.loss)]
                if let accuracy = result.accuracy { metrics.append(.init("accuracy", accuracy)) }
                metrics += control.metrics(result)
                progress.log.append(.evaluation(globalStep: step.step, epoch: epochNow, metrics: metrics))
                if let best {
                    let value = metrics.first { $0.name == best.name }?.value ?? .nan
                    improved = best.improves(value, on: progress.best?.value)
                    if improved {
                        progress.best = .init(metric: best.name, value: value, globalStep: step.step, epoch: epochNow,
                                              checkpoint: control.checkpoints.map { _ in TrainingCheckpoint.name(step: step.step) },
                                              metrics: metrics)
                        progress.evaluationsWithoutImprovement = 0
                        if keepsBest { bestWeights = network.parameters.array }
                    } else {
                        progress.evaluationsWithoutImprovement += 1
                    }
                }
            }
            return (result, improved)
        }

        do {
            if progress.evaluationPending, progress.stepInEpoch < perEpoch {
                // An interrupt came during this evaluation: run it now, where the unbroken run did
                // (one at an epoch's end runs in the loop below, as the epoch's own).
                _ = try evaluationPoint()
                stopIfPatienceRanOut(&progress, options: options, perEpoch: perEpoch)
                try writeCheckpoint(interrupted: false)
            }
            while !progress.isFinished {
                let epoch = progress.epoch
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
                while progress.stepInEpoch < perEpoch, !progress.stoppedEarly {
                    let first = progress.stepInEpoch * options.accumulate
                    let microBatches = Array(batches[first..<min(first + options.accumulate, batches.count)])
                    try agreedCheck()
                    let result = try optimizerStep(microBatches.map { $0.map { train[$0] } }, features: features.map { rows in
                        microBatches.map { $0.flatMap { rows[$0] } }
                    }, checkInterrupt: innerCheck)
                    stepsTaken += 1
                    progress.runStep += 1
                    progress.stepInEpoch += 1
                    progress.samples += result.examples
                    progress.epochSeen += result.examples
                    progress.epochCorrect += result.correct
                    progress.epochLossSum += result.loss
                    let fraction = Double(first + microBatches.count) / Double(batches.count)
                    progress.log.append(.step(globalStep: step.step, epoch: Double(epoch) + fraction, loss: result.loss,
                                              learningRate: Double(result.learningRate)))
                    onStep(StepEvent(runStep: progress.runStep, runSteps: runSteps, globalStep: step.step, epoch: epoch,
                                     epochFraction: fraction, loss: result.loss,
                                     learningRate: Double(result.learningRate), samples: progress.samples))
                    if progress.stepInEpoch < perEpoch, control.every.isDue(afterStep: step.step) {
                        _ = try evaluationPoint()
                        stopIfPatienceRanOut(&progress, options: options, perEpoch: perEpoch)
                        try writeCheckpoint(interrupted: false)
                    }
                }
                if progress.stoppedEarly { break }
                let (validationResult, improved) = try evaluationPoint()
                let event = EpochEvent(epoch: epoch, globalStep: step.step,
                                       trainLoss: progress.epochLossSum / Double(max(1, perEpoch)),
                                       trainAccuracy: task == .regression ? nil : Double(progress.epochCorrect) / Double(max(1, progress.epochSeen)),
                                       validationLoss: validationResult?.loss, validationAccuracy: validationResult?.accuracy,
                                       validation: validationResult, improved: improved)
                events.append(event)
                try checkSameWeightsOnEveryRank(epoch: epoch)
                progress.epoch += 1
                progress.stepInEpoch = 0
                progress.epochLossSum = 0
                progress.epochCorrect = 0
                progress.epochSeen = 0
                stopIfPatienceRanOut(&progress, options: options, perEpoch: perEpoch)
                if case let .evaluation(_, _, metrics)? = progress.log.last, control.stopAfterEpoch(epoch, metrics),
                   !progress.isFinished {
                    progress.stoppedEarly = true
                }
                onEpoch(event)
                try writeCheckpoint(interrupted: false)
            }
        } catch {
            // An interrupt leaves the weights and optimizer at the last step done: keep that state.
            if interrupted, control.checkpoints != nil, progress.runStep > 0 {
                if let lastCheckpoint, lastCheckpoint.step == step.step, !progress.evaluationPending {
                    control.onCheckpoint(lastCheckpoint.url, true)   // it holds this state already
                } else {
                    try writeCheckpoint(interrupted: true)
                }
            }
            throw error
        }
        var restored: Int?
        if keepsBest, let bestWeights, let bestRecord = progress.best {
            network.parameters.vector.copy(from: bestWeights)
            restored = min(Int(bestRecord.epoch.rounded(.up)) - 1, progress.epochs - 1)
            restored = max(0, restored!)
        }
        finished = true
        return Outcome(epochs: events, steps: stepsTaken, stoppedEarly: progress.stoppedEarly, bestEpoch: restored,
                       progress: progress)
    }

    /// R > 1 with `checksWeightsAcrossRanks`: the weights are bit for bit the same on every rank
    /// (each rank's checksum against rank 0's), or the ranks' AdamW steps diverged and every rank
    /// throws, naming the epoch. The checksum is exact in Double: rank 0's value reaches the others
    /// as a sum with zeros.
    func checkSameWeightsOnEveryRank(epoch: Int) throws {
        guard checksWeightsAcrossRanks, processGroup.size > 1 else { return }
        var checksum = 0.0
        let p = network.parameters
        for value in p.vector { checksum = checksum * 1.000_000_1 + Double(value.bitPattern % 65_521) }
        let differs = try processGroup.anyRank(try processGroup.rootValue(checksum) != checksum)
        if differs {
            throw BertError(.numeric, "the weights differ between the \(processGroup.size) ranks after epoch \(epoch + 1) "
                            + "(a checksum of rank \(processGroup.rank)'s against rank 0's): their AdamW steps diverged")
        }
    }

    /// Early stopping: after `patience` evaluations without improvement, unless nothing is left.
    private func stopIfPatienceRanOut(_ progress: inout TrainerProgress, options: TrainOptions, perEpoch: Int) {
        guard let patience = options.patience, progress.evaluationsWithoutImprovement >= patience,
              progress.epoch < progress.epochs else { return }
        progress.stoppedEarly = true
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
    /// transformers' `get_warmup_steps`; one-cycle's rise with `warmup` 0 is fastai's 0.25) and
    /// ends with its last step; a later run keeps the warmup and extends the schedule over the
    /// new steps, with the new kind, peak learning rate, layer decay and frozen layers.
    /// - classWeights: (L) the loss's class weights, or nil
    func configureSchedule(options: TrainOptions, classWeights: [Float]?, runSteps: Int) throws {
        var o = step.options
        o.trained = options.freeze.trained(layers: network.config.numHiddenLayers)
        try TrainingStep.checkTrained(o.trained, network: network)
        o.learningRate = Float(options.lr)
        o.schedule = options.schedule
        o.layerDecay = options.layerDecay
        if step.step == 0 {
            let fraction = options.schedule == .oneCycle && options.warmup == 0 ? Self.oneCycleRise : options.warmup
            o.warmupSteps = Int((fraction * Double(runSteps)).rounded(.up))
        }
        o.totalSteps = step.step + runSteps
        o.weightDecay = Float(options.weightDecay)
        o.maxGradNorm = options.clip.map(Float.init)
        o.loss = LossOptions(classWeights: classWeights, labelSmoothing: Float(options.labelSmoothing))
        o.dropoutSeed = UInt64(options.seed)
        o.dropoutNumbering = .fineTuning
        step.options = o
    }

    /// fastai's `fit_one_cycle(pct_start=0.25)`: one-cycle's rise when `warmup` is left at 0.
    static let oneCycleRise = 0.25
}
