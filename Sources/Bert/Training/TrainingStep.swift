import Foundation
import Numerics

/// One optimizer step, the only one: fine-tuning (`Trainer`), pre-training (`PretrainingRun`) and
/// the benchmark all call `run`. Forward, loss and backward on each micro-batch (gradients
/// accumulated, each loss scaled by 1 / accumulation as the transformers Trainer does), then
/// clipping, AdamW and the schedule.
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
        public var warmupSteps: Int = 0
        public var totalSteps: Int
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
    public var options: Options { didSet { optimizer.settings = Self.settings(options) } }
    public let optimizer: AdamW
    public var schedule: LinearSchedule {
        LinearSchedule(peakLearningRate: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: options.totalSteps)
    }

    public init(network: BertNetwork, options: Options) throws {
        try options.validate()
        self.network = network
        self.options = options
        optimizer = AdamW(layout: network.layout, settings: Self.settings(options))
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

        public init(group: any ProcessGroup, microBatchCount: Int, indices: [Int], fractions: [Float]) {
            self.group = group
            self.microBatchCount = microBatchCount
            self.indices = indices
            self.fractions = fractions
        }
    }

    /// One optimizer update from `microBatches` (gradient accumulation over them).
    /// - checkInterrupt: called before every micro-batch and every encoder layer of its forward
    ///   and backward passes; throwing abandons the update (the weights stay as they were)
    /// - error: the error to throw on a non-finite loss or gradient norm, given the reason and
    ///   the 1-based number of the update not taken; it is thrown before the weights change,
    ///   with the gradients zeroed
    /// - share: with R > 1 processes, this rank's part of the update (`Share`); `microBatches` may
    ///   then be empty (a rank whose shares are all empty still joins the sums). The losses of the
    ///   result are then the whole update's; each `MicroBatch` stays this rank's own.
    public func run(_ microBatches: [(BertBatch, BertLabels)], share: Share? = nil, checkInterrupt: () throws -> Void = {},
                    error: (NonFinite, _ step: Int) -> BertError = TrainingStep.defaultError) throws -> Result {
        guard !microBatches.isEmpty || share != nil else { throw BertError(.argument, "a training step needs at least one batch") }
        network.zeroGradients()
        let k = share?.microBatchCount ?? microBatches.count
        var done: [MicroBatch] = []
        var failure: BertError?
        for (position, (batch, labels)) in microBatches.enumerated() {
            try checkInterrupt()
            let index = share?.indices[position] ?? position
            let scale = (share?.fractions[position] ?? 1) / Float(k)
            let seed = options.dropoutSeed.map {
                Self.dropoutSeed(base: $0, step: step, microBatch: index, numbering: options.dropoutNumbering)
            }
            let report: BertLossReport
            do {
                report = try network.forwardBackward(batch, labels: labels, options: options.loss, scale: scale,
                                                     dropoutSeed: seed, checkInterrupt: checkInterrupt)
            } catch let numeric as BertError where numeric.kind == .numeric {
                failure = numeric
                break
            }
            done.append(MicroBatch(loss: report.loss, maskedLMLoss: report.maskedLMLoss,
                                   nextSentenceLoss: report.nextSentenceLoss,
                                   logits: labels.heads.contains(.classifier) ? logits(of: batch, dropout: seed != nil) : nil,
                                   dropoutSeed: seed))
        }
        // (k) the update's micro-batch losses: this rank's own, or with a share their sum over the
        // ranks of fraction · loss, agreed (with whether any rank's loss was not finite) in one sum
        // before the gradients', so that a failing rank never leaves the others waiting.
        var losses = done.map(\.loss)
        if let share {
            var parts = [Double](repeating: 0, count: k + 1)
            for (position, micro) in done.enumerated() {
                parts[share.indices[position]] += Double(share.fractions[position]) * Double(micro.loss)
            }
            parts[k] = failure == nil ? 0 : 1
            parts = share.group.allreduceSum(parts)
            if parts[k] > 0, failure == nil {
                failure = BertError(.numeric, "the training loss became non-finite on another rank")
            }
            losses = parts[..<k].map { Float($0) }
        }
        if let failure {
            network.zeroGradients()
            throw error(.loss(failure), step + 1)
        }
        if let share {
            // One blocking sum of the whole gradient after the backward (no overlap with it yet).
            share.group.allreduceSum(network.gradients.pointer, count: network.gradients.count)
        }
        let norm: Float
        if let maxNorm = options.maxGradNorm {
            norm = GradientClipping.clip(network.gradients, maxNorm: maxNorm)
        } else {
            norm = GradientClipping.norm(network.gradients)
        }
        guard norm.isFinite else {
            network.zeroGradients()
            throw error(.gradientNorm(norm), step + 1)
        }
        let lr = schedule.learningRate(at: step)
        PhaseClock.measure(.optimizer) {
            optimizer.update(parameters: network.parameters, gradients: network.gradients, lr: lr)
        }
        return Result(loss: losses.reduce(0, +) / Float(losses.count), microLosses: losses, microBatches: done,
                      gradientNorm: norm, learningRate: lr, step: step)
    }

    /// (B, L) logits of the training forward pass `forwardBackward` just ran, copied out of the
    /// arena it filled (same shape and mode).
    private func logits(of batch: BertBatch, dropout: Bool) -> [Float] {
        let activations = network.activations(B: batch.batchSize, T: batch.sequenceLength, training: true,
                                              dropout: dropout, keepAttentions: false)
        return Array(UnsafeBufferPointer(start: activations.arena[activations.logits], count: activations.logits.count))
    }
}
