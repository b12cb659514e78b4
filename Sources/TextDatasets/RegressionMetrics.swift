/// Metrics for regression labels: mean squared error (the training loss), mean absolute
/// error, Pearson's correlation (GLUE's STS-B metric) and Spearman's rank correlation.
///
///     let m = try RegressionMetrics(targets: [1, 2, 3], predictions: [1, 2, 4])
///     m.meanSquaredError   // 1/3
///
/// Pearson's r = cov(x, y) / (sd(x) sd(y)); Spearman's ρ is Pearson's r of the ranks, tied
/// values sharing their mean rank (`scipy.stats.spearmanr`). Both are undefined when either
/// side is constant, and reported as 0 then (JSON cannot carry NaN).
public struct RegressionMetrics: Sendable, Equatable {
    public let exampleCount: Int
    public let meanSquaredError: Double
    public let meanAbsoluteError: Double
    public let pearson: Double
    public let spearman: Double

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
        exampleCount = targets.count
        meanSquaredError = squared / n
        meanAbsoluteError = absolute / n
        pearson = Self.pearson(targets, predictions)
        spearman = Self.pearson(Self.ranks(targets), Self.ranks(predictions))
    }

    /// Pearson's r, 0 when either side has no variance.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let meanX = x.reduce(0, +) / n, meanY = y.reduce(0, +) / n
        var covariance = 0.0, varianceX = 0.0, varianceY = 0.0
        for (a, b) in zip(x, y) {
            covariance += (a - meanX) * (b - meanY)
            varianceX += (a - meanX) * (a - meanX)
            varianceY += (b - meanY) * (b - meanY)
        }
        let denominator = (varianceX * varianceY).squareRoot()
        return denominator > 0 ? covariance / denominator : 0
    }

    /// 1-based ranks, ties given the mean of the ranks they span (`scipy.stats.rankdata`).
    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, values[order[end]] == values[order[start]] { end += 1 }
            let mean = Double(start + 1 + end) / 2   // mean of ranks start+1 ... end
            for i in start..<end { ranks[order[i]] = mean }
            start = end
        }
        return ranks
    }
}
