import Foundation

/// The kinds of learning-rate schedule `train(schedule:)` offers.
public enum ScheduleKind: String, CaseIterable, Equatable, Sendable {
    case linear
    case cosine
    case constant
    case inverseSqrt = "inverse-sqrt"
    case oneCycle = "one-cycle"
}

/// The learning rate of every optimizer update: one type for the five kinds, each with a warmup,
/// as transformers' `LambdaLR` lambdas define them (transformers 5.23, `optimization.py`) and, for
/// one-cycle, PyTorch's `OneCycleLR` with fastai's `fit_one_cycle` settings.
///
///     let schedule = LearningRateSchedule(kind: .cosine, peakLearningRate: 5e-5, warmupSteps: 10, totalSteps: 100)
///     schedule.learningRate(at: 0)     // 0: the first update of a warmup
///
/// The optimizer's k-th update (k from 0) uses `learningRate(at: k)`, as `LambdaLR` does. With
/// s the step, w the warmup steps and n the total steps, every kind but one-cycle warms up as
/// transformers does, factor = s / max(1, w) for s < w, then
///
///     linear        max(0, (n - s) / max(1, n - w))              get_linear_schedule_with_warmup
///     cosine        max(0, ½(1 + cos(π · p))),  p = (s - w) / max(1, n - w)
///                                                                get_cosine_schedule_with_warmup, num_cycles 0.5
///     constant      1                                            get_constant_schedule_with_warmup
///     inverse-sqrt  1 / √((s + τ - w) / τ),  τ = w, or 10 000 without warmup
///                                                                get_inverse_sqrt_schedule (timescale default)
///
/// one-cycle is `OneCycleLR(max_lr: peak, total_steps: n, pct_start: w / n, anneal_strategy: "cos",
/// div_factor: 25, final_div_factor: 1e5, cycle_momentum: False)`: a cosine rise from peak / 25 at
/// step 0 to the peak at step w - 1, then a cosine fall to peak / 25 / 1e5 at step n - 1. The
/// divisors are fastai's (`fit_one_cycle(div=25, div_final=1e5)`); PyTorch's own default final
/// divisor is 1e4. `warmup:` is fastai's `pct_start`: the warmup steps are the rise, so
/// `warmup: 0.25` is fastai's default (and `train` uses 0.25 when `warmup` is left at 0, since
/// a one-cycle without its rise is not one). AdamW's β1 stays fixed: fastai and PyTorch also
/// cycle the momentum (0.95 → 0.85 → 0.95), a second schedule this type does not model.
/// One warmup step would make PyTorch divide 0 by 0; here step 0 is then the peak. Past step
/// n - 1 (which PyTorch refuses) the rate stays at its minimum.
public struct LearningRateSchedule: Equatable, Sendable {
    public var kind: ScheduleKind
    public var peakLearningRate: Float
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(kind: ScheduleKind = .linear, peakLearningRate: Float, warmupSteps: Int, totalSteps: Int) {
        self.kind = kind
        self.peakLearningRate = peakLearningRate
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// One-cycle's divisors (fastai's `div` and `div_final`).
    public static let oneCycleDivisor = 25.0
    public static let oneCycleFinalDivisor = 1e5

    /// The multiple of the peak learning rate at update `step`, in Double as Python computes it.
    public func factor(at step: Int) -> Double {
        let s = Double(step), w = Double(warmupSteps)
        if kind == .oneCycle { return oneCycleFactor(at: s) }
        if step < warmupSteps { return s / max(1, w) }
        switch kind {
        case .linear:
            return max(0, Double(totalSteps - step) / Double(max(1, totalSteps - warmupSteps)))
        case .cosine:
            let progress = (s - w) / Double(max(1, totalSteps - warmupSteps))
            return max(0, 0.5 * (1 + cos(Double.pi * 0.5 * 2 * progress)))
        case .constant:
            return 1
        case .inverseSqrt:
            let timescale = warmupSteps > 0 ? w : 10_000
            return 1 / ((s + (timescale - w)) / timescale).squareRoot()
        case .oneCycle:
            return oneCycleFactor(at: s)
        }
    }

    /// `OneCycleLR.get_lr` without momentum, as a multiple of the peak: phase 1 ends at step
    /// w - 1, phase 2 at n - 1; `_annealing_cos(start, end, pct) = end + (start - end)/2 · (cos(π·pct) + 1)`.
    private func oneCycleFactor(at s: Double) -> Double {
        let initial = 1 / Self.oneCycleDivisor, minimum = initial / Self.oneCycleFinalDivisor
        func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double { end + (start - end) / 2 * (cos(Double.pi * pct) + 1) }
        let riseEnd = Double(warmupSteps) - 1, fallEnd = Double(totalSteps) - 1
        if s <= riseEnd {
            return riseEnd == 0 ? 1 : anneal(initial, 1, s / riseEnd)
        }
        let span = fallEnd - riseEnd
        return span == 0 ? minimum : anneal(1, minimum, min(1, (s - riseEnd) / span))   // past the end: stays at the minimum
    }

    public func learningRate(at step: Int) -> Float { Float(Double(peakLearningRate) * factor(at: step)) }
}
