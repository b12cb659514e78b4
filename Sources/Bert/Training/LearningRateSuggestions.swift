import Foundation

/// fastai's three learning-rate suggestions (`callback/schedule.py`: `valley`, `steep`,
/// `minimum`), computed as fastai computes them on the smoothed losses of a sweep, after
/// dropping its first tenth and its last five points (`lr_find`'s `[num_it//10:-5]`: the
/// start is noise, the end is the divergence). Every point a `LearningRateFinder` records is
/// finite (it stops at a non-finite loss), so a NaN or a spike can never be chosen: a spike only
/// moves the smoothed curve, and one large enough ends the sweep before it.
///
///     let s = LearningRateSuggestions(curve)!
///     s.valley.learningRate, s.steep.learningRate, s.minimum.learningRate
public struct LearningRateSuggestions: Equatable {
    public struct Suggestion: Equatable {
        /// The suggested rate.
        public let learningRate: Double
        /// Where it is marked on the curve: the rate and smoothed loss of the point it came from
        /// (for `minimum`, the minimum itself, at ten times the suggestion).
        public let markedRate: Double
        public let markedLoss: Double
        /// The point's index in the sweep's recorded points.
        public let index: Int
    }

    public let valley: Suggestion
    public let steep: Suggestion
    public let minimum: Suggestion
    /// The points the suggestions were chosen from: indices `range` of the curve.
    public let range: Range<Int>

    /// The points fastai keeps: from `plannedSteps / 10` to five before the end.
    public static func keptRange(count: Int, plannedSteps: Int) -> Range<Int> {
        let lower = plannedSteps / 10
        let upper = count - 5
        return lower < upper ? lower..<upper : 0..<0
    }

    /// Nil when fewer than three points remain (the loss diverged within the first steps: a
    /// smaller `start` or more `steps` give the curve room).
    public init?(_ curve: LearningRateFinder.Curve) {
        let range = Self.keptRange(count: curve.points.count, plannedSteps: curve.plannedSteps)
        guard range.count >= 3 else { return nil }
        let kept = Array(curve.points[range])
        let lrs = kept.map(\.learningRate), losses = kept.map(\.smoothedLoss)
        func suggestion(_ i: Int, rate: Double) -> Suggestion {
            Suggestion(learningRate: rate, markedRate: lrs[i], markedLoss: losses[i], index: range.lowerBound + i)
        }
        let v = Self.valleyIndex(losses)
        valley = suggestion(v, rate: lrs[v])
        let s = Self.steepIndex(lrs: lrs, losses: losses)
        steep = suggestion(s, rate: lrs[s])
        let m = Self.argmin(losses)
        minimum = suggestion(m, rate: lrs[m] / 10)
        self.range = range
    }

    /// fastai's `valley`: the longest decreasing subsequence of the losses (not necessarily
    /// contiguous, O(n²) as fastai's), then the point 1/3 + 1/6 of the way along it (its
    /// `idx = max_start + int(sections) + int(sections/2)`, `sections = (max_end - max_start) / 3`).
    static func valleyIndex(_ losses: [Double]) -> Int {
        let n = losses.count
        var lengths = [Int](repeating: 1, count: n)
        var maxStart = 0, maxEnd = 0
        // Both tests inside the inner loop, as fastai has them: once `maxEnd` is i, `maxStart`
        // keeps the length i had then, even if a later j lengthens it.
        for i in 1..<max(1, n) {
            for j in 0..<i {
                if losses[i] < losses[j] && lengths[i] < lengths[j] + 1 { lengths[i] = lengths[j] + 1 }
                if lengths[maxEnd] < lengths[i] {
                    maxEnd = i
                    maxStart = maxEnd - lengths[maxEnd]
                }
            }
        }
        let sections = Double(maxEnd - maxStart) / 3
        return min(n - 1, max(0, maxStart + Int(sections) + Int(sections / 2)))
    }

    /// fastai's `steep`: the steepest descent, the smallest of (loss[i+1] − loss[i]) /
    /// (ln lr[i+1] − ln lr[i]); the suggestion is lr[i], the interval's start.
    static func steepIndex(lrs: [Double], losses: [Double]) -> Int {
        var best = 0, bestSlope = Double.infinity
        for i in 0..<(losses.count - 1) {
            let slope = (losses[i + 1] - losses[i]) / (log(lrs[i + 1]) - log(lrs[i]))
            if slope < bestSlope {
                bestSlope = slope
                best = i
            }
        }
        return best
    }

    /// The first index of the smallest value (torch's `argmin`).
    static func argmin(_ values: [Double]) -> Int {
        var best = 0
        for i in values.indices where values[i] < values[best] { best = i }
        return best
    }
}
