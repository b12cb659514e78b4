import Foundation
import Numerics

/// Leslie Smith's learning-rate range test as fastai's `LRFinder` runs it (fastai
/// `callback/schedule.py`): one optimizer update per batch at a rate rising exponentially from
/// `start` to `end`, the loss smoothed as fastai's `AvgSmoothLoss` smooths it (an exponential
/// moving average with β = 0.98, divided by 1 − β^n), stopping when the smoothed loss exceeds four
/// times its minimum so far. Unlike fastai it also stops, rather than fails, at a non-finite
/// loss or gradient (the step throws before changing the weights), and the rates span exactly
/// `start...end` (fastai's last rate is one step short of `end`).
///
///     let finder = LearningRateFinder(step: try TrainingStep(network: copy, options: ...), paddingId: 0)
///     let curve = try finder.run(examples, options: .init(start: 1e-7, end: 1, steps: 100, batch: 32, seed: 42))
///     LearningRateSuggestions(curve)?.valley.learningRate
///
/// The updates go through `step` (the one `TrainingStep`, at an explicit rate each): give it a
/// network and optimizer of its own, as `Session.lrFind` gives a copy, since the sweep ends far
/// past any useful rate.
public struct LearningRateFinder {
    public struct Options: Equatable {
        public var start: Double
        public var end: Double
        public var steps: Int
        public var batch: Int
        /// Seeds the batch order (and the step's dropout, through its options).
        public var seed: Int

        public init(start: Double, end: Double, steps: Int, batch: Int, seed: Int) {
            self.start = start
            self.end = end
            self.steps = steps
            self.batch = batch
            self.seed = seed
        }
    }

    /// fastai's `AvgSmoothLoss` β.
    public static let smoothing = 0.98
    /// fastai's divergence rule: stop once the smoothed loss is over 4 × its minimum.
    public static let divergenceFactor = 4.0

    /// Why the sweep ended.
    public enum Stop: Equatable {
        /// Every step ran.
        case completed
        /// The smoothed loss went over 4 × its minimum at this 1-based step.
        case diverged(step: Int)
        /// The loss or the gradient norm was not finite at this 1-based step (not recorded).
        case nonFinite(step: Int)
    }

    /// One recorded update.
    public struct Point: Equatable {
        public let learningRate: Double
        public let loss: Double
        public let smoothedLoss: Double
    }

    public struct Curve: Equatable {
        public let points: [Point]
        public let stop: Stop
        /// The steps the sweep was planned for (its rates are spaced for that many).
        public let plannedSteps: Int
    }

    public let step: TrainingStep
    public let paddingId: Int

    public init(step: TrainingStep, paddingId: Int) {
        self.step = step
        self.paddingId = paddingId
    }

    /// (steps) lr_i = start · (end / start)^(i / (steps − 1)), i = 0 ..< steps (fastai's `SchedExp`).
    public static func rates(start: Double, end: Double, steps: Int) -> [Double] {
        guard steps > 1 else { return [start] }
        return (0..<steps).map { start * pow(end / start, Double($0) / Double(steps - 1)) }
    }

    /// Runs the sweep over `train` (shuffled with `options.seed`, reshuffled each pass when the
    /// steps outnumber the batches, as the Trainer shuffles each epoch). Each example must carry
    /// a label of the network's task.
    /// - onStep: after each recorded update (1-based step, its point)
    /// - checkInterrupt: throws to stop; called before every batch and encoder layer
    public func run(_ train: [EncodedExample], options: Options, onStep: (Int, Point) -> Void = { _, _ in },
                    checkInterrupt: () throws -> Void = {}) throws -> Curve {
        guard !train.isEmpty else { throw BertError(.argument, "there are no training examples") }
        let network = step.network
        let task = network.config.resolvedProblemType
        let L = network.config.numLabels
        try TaskTargets.check(train, task: task, labels: L)
        let rates = Self.rates(start: options.start, end: options.end, steps: options.steps)
        var points: [Point] = []
        var average = 0.0, minimum = Double.infinity
        var order: [Int] = []
        var pass = 0
        for (i, rate) in rates.enumerated() {
            if order.isEmpty {
                // The Trainer's per-epoch seeding, so a sweep sees batches as a first epoch would.
                var generator = SeededGenerator(seed: UInt64(options.seed) &+ UInt64(pass) &* 0x9E37_79B9)
                order = generator.shuffled(Array(train.indices))
                pass += 1
            }
            let taken = Array(order.prefix(options.batch))
            order.removeFirst(taken.count)
            let examples = taken.map { train[$0] }
            let batch = try Predictor.batch(examples, paddingId: paddingId, limit: network.config.maxPositionEmbeddings)
            let result: TrainingStep.Result
            do {
                result = try step.run([(batch, TaskTargets.labels(examples, task: task, labels: L))],
                                      checkInterrupt: checkInterrupt, learningRate: Float(rate))
            } catch let error as BertError where error.kind == .numeric {
                return Curve(points: points, stop: .nonFinite(step: i + 1), plannedSteps: rates.count)
            }
            let loss = Double(result.loss)
            average = Self.smoothing * average + (1 - Self.smoothing) * loss
            let smoothed = average / (1 - pow(Self.smoothing, Double(points.count + 1)))
            let point = Point(learningRate: rate, loss: loss, smoothedLoss: smoothed)
            points.append(point)
            onStep(i + 1, point)
            minimum = min(minimum, smoothed)
            if smoothed > Self.divergenceFactor * minimum {
                return Curve(points: points, stop: .diverged(step: i + 1), plannedSteps: rates.count)
            }
        }
        return Curve(points: points, stop: .completed, plannedSteps: rates.count)
    }
}
