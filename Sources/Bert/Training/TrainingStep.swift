import Foundation
import Numerics

/// One optimizer step of fine-tuning, for a trainer to loop over: forward, loss and backward on
/// each micro-batch (gradients accumulated, each loss scaled by 1 / accumulation as the transformers
/// Trainer does), then clipping, AdamW and the schedule.
///
///     let step = TrainingStep(network: network, options: .init(learningRate: 5e-5, totalSteps: 300))
///     for batch in batches {
///         let result = try step.run([(batch, .classes(labels))])
///         print(result.loss, result.learningRate)
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
        /// Training-mode dropout from this seed (each step derives its own); nil turns dropout off.
        public var dropoutSeed: UInt64? = 42

        public init(learningRate: Float, warmupSteps: Int = 0, totalSteps: Int, weightDecay: Float = 0,
                    maxGradNorm: Float? = 1.0, loss: LossOptions = LossOptions(), dropoutSeed: UInt64? = 42) {
            self.learningRate = learningRate
            self.warmupSteps = warmupSteps
            self.totalSteps = totalSteps
            self.weightDecay = weightDecay
            self.maxGradNorm = maxGradNorm
            self.loss = loss
            self.dropoutSeed = dropoutSeed
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

    public struct Result: Equatable {
        /// Mean of the micro-batch losses (unscaled).
        public let loss: Float
        public let microLosses: [Float]
        /// Gradient 2-norm before clipping.
        public let gradientNorm: Float
        /// The learning rate this update used.
        public let learningRate: Float
        /// Updates taken so far, this one included.
        public let step: Int
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

    /// One optimizer update from `microBatches` (gradient accumulation over them). On a
    /// non-finite loss or gradient, throws before touching the weights.
    public func run(_ microBatches: [(BertBatch, BertLabels)]) throws -> Result {
        guard !microBatches.isEmpty else { throw BertError(.argument, "a training step needs at least one batch") }
        network.zeroGradients()
        let scale = 1 / Float(microBatches.count)
        var losses: [Float] = []
        for (index, (batch, labels)) in microBatches.enumerated() {
            let seed = options.dropoutSeed.map { $0 &+ UInt64(step &* 1_000_003 &+ index) &* 0x9E37_79B9_7F4A_7C15 }
            let report = try network.forwardBackward(batch, labels: labels, options: options.loss, scale: scale,
                                                     dropoutSeed: seed)
            losses.append(report.loss)
        }
        let norm: Float
        if let maxNorm = options.maxGradNorm {
            norm = GradientClipping.clip(network.gradients, maxNorm: maxNorm)
        } else {
            norm = GradientClipping.norm(network.gradients)
        }
        guard norm.isFinite else {
            network.zeroGradients()
            throw BertError(.numeric, "the gradient norm is \(norm) at step \(step + 1); the weights were not changed")
        }
        let lr = schedule.learningRate(at: step)
        PhaseClock.measure(.optimizer) {
            optimizer.update(parameters: network.parameters, gradients: network.gradients, lr: lr)
        }
        return Result(loss: losses.reduce(0, +) / Float(losses.count), microLosses: losses, gradientNorm: norm,
                      learningRate: lr, step: step)
    }
}
