/// Metrics for regression labels: mean squared error (the training loss), mean absolute
/// error, and Pearson's correlation (GLUE's STS-B metric).
///
///     let m = try RegressionMetrics(targets: [1, 2, 3], predictions: [1, 2, 4])
///     m.meanSquaredError   // 1/3
///
/// Pearson's r = cov(x, y) / (sd(x) sd(y)); it is undefined when either side is constant,
/// and reported as 0 then (JSON cannot carry NaN).
public struct RegressionMetrics: Sendable, Equatable {
    public let exampleCount: Int
    public let meanSquaredError: Double
    public let meanAbsoluteError: Double
    public let pearson: Double

    /// - targets, predictions: (N). Throws when there are no examples.
    public init(targets: [Double], predictions: [Double]) throws {
        precondition(targets.count == predictions.count, "one prediction per example")
        guard !targets.isEmpty else { throw DatasetError.argument("there are no examples to evaluate") }
        let n = Double(targets.count)
        var squared = 0.0, absolute = 0.0
        for (t, p) in zip(targets, predictions) {
            squared += (p - t) * (p - t)
            absolute += abs(p - t)
        }
        let meanT = targets.reduce(0, +) / n, meanP = predictions.reduce(0, +) / n
        var covariance = 0.0, varianceT = 0.0, varianceP = 0.0
        for (t, p) in zip(targets, predictions) {
            covariance += (t - meanT) * (p - meanP)
            varianceT += (t - meanT) * (t - meanT)
            varianceP += (p - meanP) * (p - meanP)
        }
        exampleCount = targets.count
        meanSquaredError = squared / n
        meanAbsoluteError = absolute / n
        let denominator = (varianceT * varianceP).squareRoot()
        pearson = denominator > 0 ? covariance / denominator : 0
    }
}
