/// transformers `get_linear_schedule_with_warmup`: the learning rate factor rises linearly from 0
/// over `warmupSteps`, then falls linearly to 0 at `totalSteps`.
///
///     factor(s) = s / max(1, warmup)                                  if s < warmup
///               = max(0, (total - s) / max(1, total - warmup))         otherwise
///
/// The optimizer's k-th update (k from 0) uses `learningRate(at: k)`, as `LambdaLR` does.
public struct LinearSchedule: Equatable {
    public var peakLearningRate: Float
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(peakLearningRate: Float, warmupSteps: Int, totalSteps: Int) {
        self.peakLearningRate = peakLearningRate
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    public func factor(at step: Int) -> Double {
        if step < warmupSteps { return Double(step) / Double(max(1, warmupSteps)) }
        return max(0, Double(totalSteps - step) / Double(max(1, totalSteps - warmupSteps)))
    }

    public func learningRate(at step: Int) -> Float { Float(Double(peakLearningRate) * factor(at: step)) }
}
