import Foundation
import Numerics

/// One optimizer step, the only one: fine-tuning (`Trainer`), pre-training (`PretrainingRun`) and
/// the benchmark all call `run` (a frozen encoder's cached features: `run(features:)`, the same
/// update). Forward, loss and backward on each micro-batch (gradients accumulated, each loss
/// scaled by 1 / accumulation as the transformers Trainer does), then clipping, AdamW and the
/// schedule (`LearningRateSchedule`), over the trained parameters (`ParameterGroups`).
///
///     let step = TrainingStep(network: network, options: .init(learningRate: 5e-5, totalSteps: 300))
///     for batch in batches {
///         let result = try step.run([(batch, .classes(labels))])
///         print(result.loss, result.learningRate, result.microBatches[0].logits!)
///     }
///
/// The step count, moments and schedule live here, so a second round of training continues.
public final class TrainingStep {
    public struct Options: Equatable {
        public var learningRate: Float
        public var schedule: ScheduleKind = .linear
        public var warmupSteps: Int = 0
        public var totalSteps: Int
        /// Layer-wise learning-rate decay d in (0, 1] (`ParameterGroups`); 1: one rate for all.
        public var layerDecay: Double = 1
        /// What trains: `.all`, or `.fromLayer(k)` with the embeddings and layers below k frozen.
        public var trained: ParameterGradients = .all
        public var weightDecay: Float = 0
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var eps: Float = 1e-8
        /// nil: no clipping.
        public var maxGradNorm: Float? = 1.0
        public var loss = LossOptions()
        /// Training-mode dropout from this seed (each micro-batch of each step derives its own,
        /// `TrainingStep.dropoutSeed`); nil turns dropout off.
        public var dropoutSeed: UInt64? = 42
        /// How the micro-batches of successive steps are numbered for their dropout seeds.
        public var dropoutNumbering: DropoutNumbering = .fineTuning

        public init(learningRate: Float, warmupSteps: Int = 0, totalSteps: Int, weightDecay: Float = 0,
                    maxGradNorm: Float? = 1.0, loss: LossOptions = LossOptions(), dropoutSeed: UInt64? = 42,
                    dropoutNumbering: DropoutNumbering = .fineTuning) {
            self.learningRate = learningRate
            self.warmupSteps = warmupSteps
            self.totalSteps = totalSteps
            self.weightDecay = weightDecay
            self.maxGradNorm = maxGradNorm
            self.loss = loss
            self.dropoutSeed = dropoutSeed
            self.dropoutNumbering = dropoutNumbering
        }

        func validate() throws {
            guard learningRate.isFinite, learningRate >= 0, learningRate < 10 else {
                throw BertError(.argument, "learning rate must be in [0, 10) (got \(learningRate))")
            }
            guard totalSteps > 0, warmupSteps >= 0 else {
                throw BertError(.argument, "total steps must be positive and warmup steps not negative")
            }
            guard layerDecay > 0, layerDecay <= 1 else {
                throw BertError(.argument, "layerDecay must be in (0, 1], got \(layerDecay)")
            }
            if trained == .none { throw BertError(.argument, "a training step needs parameters to train") }
            guard weightDecay >= 0, weightDecay.isFinite else { throw BertError(.argument, "weight decay must be >= 0") }
            guard beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1, eps > 0 else {
                throw BertError(.argument, "AdamW needs betas in [0, 1) and eps > 0")
            }
            if let maxGradNorm, !(maxGradNorm > 0) { throw BertError(.argument, "clip must be positive (got \(maxGradNorm))") }
        }
    }

    /// The two numberings of dropout streams in use, both cases of the one rule of `dropoutSeed`:
    ///
    ///     seed = base + (step · stride + microBatch + offset) · φ   (mod 2⁶⁴),   φ = 0x9E37_79B9_7F4A_7C15
    ///
    /// with `step` the updates taken before this one and `microBatch` its 0-based micro-batch.
    public enum DropoutNumbering: Equatable {
        /// stride 1_000_003, offset 0: every micro-batch of every update its own stream (room for
        /// a million micro-batches per update). Fine-tuning and the benchmark.
        case fineTuning
        /// stride 1, offset 1: one batch per update, numbered from 1. Pre-training has always
        /// drawn these; keeping them keeps its runs (and the notebooks' numbers) as they were.
        case preTraining

        public var stride: Int { self == .fineTuning ? 1_000_003 : 1 }
        public var offset: Int { self == .fineTuning ? 0 : 1 }
    }

    /// The dropout seed of micro-batch `microBatch` of the update after `step` updates (see
    /// `DropoutNumbering`). φ is SplitMix64's increment, so nearby streams get unrelated seeds.
    public static func dropoutSeed(base: UInt64, step: Int, microBatch: Int, numbering: DropoutNumbering) -> UInt64 {
        base &+ UInt64(step &* numbering.stride &+ microBatch &+ numbering.offset) &* 0x9E37_79B9_7F4A_7C15
    }

    /// What one micro-batch computed.
    public struct MicroBatch: Equatable {
        /// The loss the gradients are of (before the 1 / k scale): the task loss, or MLM + NSP.
        public let loss: Float
        /// The parts of a pre-training loss; nil for the losses this batch did not have.
        public let maskedLMLoss: Float?
        public let nextSentenceLoss: Float?
        /// (B, L) classifier logits of the training-mode forward pass (dropout on); nil when the
        /// labels are not a classifier's (pre-training).
        public let logits: [Float]?
        /// The dropout seed this batch was run with; nil without dropout.
        public let dropoutSeed: UInt64?
    }

    public struct Result: Equatable {
        /// Mean of the micro-batch losses (unscaled).
        public let loss: Float
        public let microLosses: [Float]
        /// Each micro-batch's losses and logits, in order.
        public let microBatches: [MicroBatch]
        /// The pre-training parts: mean over the micro-batches, with a share over every rank's
        /// (the micro-batches' own are this rank's); nil unless every micro-batch had them.
        public let maskedLMLoss: Float?
        public let nextSentenceLoss: Float?
        /// Gradient 2-norm before clipping.
        public let gradientNorm: Float
        /// The learning rate this update used.
        public let learningRate: Float
        /// Updates taken so far, this one included.
        public let step: Int
    }

    /// Why `run` threw before touching the weights, for callers that word the error their way.
    public enum NonFinite {
        /// A micro-batch's loss was not finite (the network's error).
        case loss(BertError)
        /// The global gradient norm was not finite.
        case gradientNorm(Float)
    }

    public let network: BertNetwork
    /// Options with another `trained` or `layerDecay` regroup the optimizer (`AdamW.regroup`) at
    /// the next update, not before: options set and put back before an update leave the moments
    /// as they were.
    public var options: Options { didSet { optimizer.settings = Self.settings(options) } }
    public let optimizer: AdamW
    public var schedule: LearningRateSchedule {
        LearningRateSchedule(kind: options.schedule, peakLearningRate: options.learningRate,
                             warmupSteps: options.warmupSteps, totalSteps: options.totalSteps)
    }

    public init(network: BertNetwork, options: Options) throws {
        try options.validate()
        try Self.checkTrained(options.trained, network: network)
        self.network = network
        self.options = options
        optimizer = AdamW(layout: network.layout, settings: Self.settings(options), groups: Self.groups(options, network: network))
    }

    /// Throws unless `trained` leaves something of `network` to train: `.fromLayer(k)` with k at
    /// most its layer count (k = N trains the heads alone).
    public static func checkTrained(_ trained: ParameterGradients, network: BertNetwork) throws {
        let N = network.config.numHiddenLayers
        if case .fromLayer(let k) = trained, !(0...N).contains(k) {
            throw BertError(.argument, "freeze: \(k) would freeze more than the model's \(N) layers and leave nothing "
                            + "of the encoder to train; freeze: \(N) or \"encoder\" trains the heads alone")
        }
    }

    /// The optimizer's groups for `options` on `network`'s layout.
    static func groups(_ o: Options, network: BertNetwork) -> ParameterGroups {
        ParameterGroups(layout: network.layout, layers: network.config.numHiddenLayers, layerDecay: o.layerDecay,
                        frozenLayers: min(o.trained.frozenLayers, network.config.numHiddenLayers))
    }

    private static func settings(_ o: Options) -> AdamW.Settings {
        AdamW.Settings(beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay)
    }

    /// Updates taken so far.
    public var step: Int { optimizer.step }

    /// The error `run` throws by default: the network's own for a loss, and for the gradient norm
    /// "the gradient norm is nan at step 3; the weights were not changed".
    public static func defaultError(_ reason: NonFinite, step: Int) -> BertError {
        switch reason {
        case .loss(let error): error
        case .gradientNorm(let norm): BertError(.numeric, "the gradient norm is \(norm) at step \(step); the weights were not changed")
        }
    }

    /// This rank's part of a data-parallel update (R > 1 processes): which of the update's
    /// micro-batches it holds a share of, and what fraction of each micro-batch's loss that share
    /// is. Rank r's gradient is then Σ fraction · (1/k) · ∇ its share's mean loss, and the sum over
    /// ranks (`group.allreduceSum`) is the one-process gradient of the whole update, up to the
    /// order of float sums; clipping and AdamW then run on that sum, the same on every rank.
    public struct Share {
        public var group: any ProcessGroup
        /// k: micro-batches of the whole update (their dropout seeds and the 1/k scale count all).
        public var microBatchCount: Int
        /// For each micro-batch passed to `run`: its 0-based index among the k.
        public var indices: [Int]
        /// For each micro-batch passed to `run`: its share of that micro-batch's loss (its
        /// examples / the micro-batch's, or their class weights' share with class weights).
        public var fractions: [Float]
        /// Pre-training (`PretrainingRun`): for each micro-batch passed to `run`, its share of the
        /// MLM and of the NSP mean loss, which differ (masked positions against rows); `fractions`
        /// are then 1. nil for fine-tuning.
        public var preTrainingFractions: [PreTrainingFractions]?

        public init(group: any ProcessGroup, microBatchCount: Int, indices: [Int], fractions: [Float],
                    preTrainingFractions: [PreTrainingFractions]? = nil) {
            self.group = group
            self.microBatchCount = microBatchCount
            self.indices = indices
            self.fractions = fractions
            self.preTrainingFractions = preTrainingFractions
        }
    }

    /// One optimizer update from `microBatches` (gradient accumulation over them).
    /// - checkInterrupt: called before every micro-batch and every encoder layer of its forward
    ///   and backward passes; throwing abandons the update (the weights stay as they were)
    /// - error: the error to throw on a non-finite loss or gradient norm, given the reason and
    ///   the 1-based number of the update not taken; it is thrown before the weights change,
    ///   with the gradients zeroed
    /// - learningRate: this update's rate instead of the schedule's (the learning-rate finder's
    ///   exponential sweep, `LearningRateFinder`); nil follows the schedule
    /// - share: with R > 1 processes, this rank's part of the update (`Share`); `microBatches` may
    ///   then be empty (a rank whose shares are all empty still joins the sums). The losses of the
    ///   result are then the whole update's; each `MicroBatch` stays this rank's own.
    public func run(_ microBatches: [(BertBatch, BertLabels)], share: Share? = nil, checkInterrupt: () throws -> Void = {},
                    error: (NonFinite, _ step: Int) -> BertError = TrainingStep.defaultError,
                    learningRate: Float? = nil) throws -> Result {
        try update(microBatches.count, share: share, checkInterrupt: checkInterrupt, error: error,
                   learningRate: learningRate) { position, seed, scale, gradientsReady in
            let (batch, labels) = microBatches[position]
            var loss = options.loss
            loss.preTrainingFractions = share?.preTrainingFractions?[position]
            let report = try network.forwardBackward(batch, labels: labels, options: loss, scale: scale,
                                                     dropoutSeed: seed, parameterGradients: options.trained,
                                                     checkInterrupt: checkInterrupt, gradientsReady: gradientsReady)
            return MicroBatch(loss: report.loss, maskedLMLoss: report.maskedLMLoss, nextSentenceLoss: report.nextSentenceLoss,
                              logits: labels.heads.contains(.classifier) ? try logits(of: batch, dropout: seed != nil) : nil,
                              dropoutSeed: seed)
        }
    }

    /// The same update from a frozen encoder's cached features: each micro-batch is (B, C) [CLS]
    /// rows (`BertNetwork.encoderFeatures`) with its labels, and only the heads run
    /// (`forwardBackwardHeads`). `options.trained` must freeze the whole encoder.
    public func run(features microBatches: [([Float], BertLabels)], checkInterrupt: () throws -> Void = {},
                    error: (NonFinite, _ step: Int) -> BertError = TrainingStep.defaultError) throws -> Result {
        guard options.trained == .fromLayer(network.config.numHiddenLayers) else {
            throw BertError(.argument, "cached encoder features train the heads alone; the step trains \(options.trained)")
        }
        let C = network.config.hiddenSize
        return try update(microBatches.count, share: nil, checkInterrupt: checkInterrupt, error: error) { position, seed, scale, _ in
            let (features, labels) = microBatches[position]
            let (report, logits) = try network.forwardBackwardHeads(features: features, batchSize: features.count / max(1, C),
                                                                    labels: labels, options: options.loss, scale: scale,
                                                                    dropoutSeed: seed)
            return MicroBatch(loss: report.loss, maskedLMLoss: nil, nextSentenceLoss: nil, logits: logits, dropoutSeed: seed)
        }
    }

    /// The one update both `run`s share: `pass(position, dropoutSeed, scale, gradientsReady)` adds
    /// the gradients of the `position`-th micro-batch given, calling `gradientsReady` as the
    /// backward finishes each part; then (with a `share`) the sums over the ranks, clipping over
    /// the trained gradients, the schedule and AdamW. `learningRate` replaces the schedule's rate
    /// for this update (nil: the schedule's).
    private func update(_ count: Int, share: Share?, checkInterrupt: () throws -> Void,
                        error: (NonFinite, _ step: Int) -> BertError, learningRate: Float? = nil,
                        pass: (Int, UInt64?, Float, (ParameterGroups.Place) throws -> Void) throws -> MicroBatch)
        throws -> Result {
        guard count > 0 || share != nil else { throw BertError(.argument, "a training step needs at least one batch") }
        try Self.checkTrained(options.trained, network: network)
        let groups = Self.groups(options, network: network)
        // Only the trained gradients are written by a pass, read by clipping and the optimizer.
        let trained = groups.trainedOffset..<network.parameters.count
        network.zeroGradients(trained)
        let k = share?.microBatchCount ?? count
        // With a share, the trained gradients are summed in buckets (`ParameterGroups.buckets`),
        // each started as this rank's last backward finishes it, so the sums overlap the rest
        // of the backward; every rank starts them in the same order (a rank with no pass, or
        // whose pass failed, starts the rest after its passes).
        let buckets = share == nil ? [] : ParameterGroups.buckets(layout: network.layout, trained: trained)
        var started = 0
        func startBuckets(through place: ParameterGroups.Place?) throws {
            guard let share else { return }
            let last = place.flatMap { p in buckets.firstIndex { $0.place == p } } ?? (place == nil ? buckets.count - 1 : -1)
            while started <= last {
                let range = buckets[started].range
                try share.group.startAllreduceSum(network.gradients.vector(offset: range.lowerBound, count: range.count))
                started += 1
            }
            try share.group.progressSums()
        }
        var done: [MicroBatch] = []
        var failure: BertError?
        for position in 0..<count {
            try checkInterrupt()
            let index = share?.indices[position] ?? position
            let scale = (share?.fractions[position] ?? 1) / Float(k)
            let seed = options.dropoutSeed.map {
                Self.dropoutSeed(base: $0, step: step, microBatch: index, numbering: options.dropoutNumbering)
            }
            do {
                // Only the last pass finishes a bucket's gradients (the earlier ones add to them).
                done.append(try pass(position, seed, scale, position == count - 1 ? { try startBuckets(through: $0) } : { _ in }))
            } catch let numeric as BertError where numeric.kind == .numeric {
                failure = numeric
                break
            }
        }
        try startBuckets(through: nil)
        // (k) the update's micro-batch losses: this rank's own, or with a share their sum over the
        // ranks of fraction · loss, agreed (with whether any rank's loss was not finite) in one sum
        // while the gradients' sums run, so that a failing rank never leaves the others waiting.
        // The pre-training parts (mean MLM and NSP over the micro-batches) are summed the same way.
        var losses = done.map(\.loss)
        func mean(_ values: [Float?]) -> Float? {
            values.isEmpty || values.contains(nil) ? nil : values.reduce(0) { $0 + $1! } / Float(values.count)
        }
        var maskedLMLoss = mean(done.map(\.maskedLMLoss)), nextSentenceLoss = mean(done.map(\.nextSentenceLoss))
        if let share {
            // [k losses, failure flag, MLM sum, NSP sum]
            var parts = [Double](repeating: 0, count: k + 3)
            for (position, micro) in done.enumerated() {
                if let f = share.preTrainingFractions?[position] {
                    let mlm = Double(f.maskedLM) * Double(micro.maskedLMLoss ?? 0)
                    let nsp = Double(f.nextSentence) * Double(micro.nextSentenceLoss ?? 0)
                    parts[share.indices[position]] += mlm + nsp
                    parts[k + 1] += mlm
                    parts[k + 2] += nsp
                } else {
                    parts[share.indices[position]] += Double(share.fractions[position]) * Double(micro.loss)
                }
            }
            parts[k] = failure == nil ? 0 : 1
            parts = try share.group.allreduceSum(parts)
            if parts[k] > 0, failure == nil {
                failure = BertError(.numeric, "the training loss became non-finite on another rank")
            }
            losses = parts[..<k].map { Float($0) }
            if share.preTrainingFractions != nil {
                maskedLMLoss = Float(parts[k + 1] / Double(k))
                nextSentenceLoss = Float(parts[k + 2] / Double(k))
            }
            try share.group.finishSums()
        }
        if let failure {
            network.zeroGradients(trained)
            throw error(.loss(failure), step + 1)
        }
        // torch's clip_grad_norm_ over the optimizer's parameters: the trained ones.
        let norm: Float
        if let maxNorm = options.maxGradNorm {
            norm = GradientClipping.clip(network.gradients, range: trained, maxNorm: maxNorm)
        } else {
            norm = GradientClipping.norm(network.gradients, range: trained)
        }
        guard norm.isFinite else {
            network.zeroGradients(trained)
            throw error(.gradientNorm(norm), step + 1)
        }
        let lr = learningRate ?? schedule.learningRate(at: step)
        optimizer.regroup(groups)
        PhaseClock.measure(.optimizer) {
            optimizer.update(parameters: network.parameters, gradients: network.gradients, lr: lr)
        }
        return Result(loss: losses.reduce(0, +) / Float(losses.count), microLosses: losses, microBatches: done,
                      maskedLMLoss: maskedLMLoss, nextSentenceLoss: nextSentenceLoss,
                      gradientNorm: norm, learningRate: lr, step: step)
    }

    /// (B, L) logits of the training forward pass `forwardBackward` just ran, copied out of the
    /// arena it filled (same shape and mode).
    private func logits(of batch: BertBatch, dropout: Bool) throws -> [Float] {
        let activations = try network.activations(B: batch.batchSize, T: batch.sequenceLength, training: true,
                                              dropout: dropout, keepAttentions: false)
        return activations.arena[activations.logits].array
    }
}
