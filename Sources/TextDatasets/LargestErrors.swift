/// The regression examples the model is furthest off on: the first thing to read after an
/// evaluation (outliers, mislabelled targets, texts the model cannot score).
///
///     let worst = LargestErrors.select(targets: [1, 2, 3], predictions: [1.5, 2, 0], count: 2)
///     // [Error(index: 2, target: 3, prediction: 0), Error(index: 0, target: 1, prediction: 1.5)]
public enum LargestErrors {
    public struct Error: Sendable, Equatable {
        /// The example's index in the evaluated split.
        public let index: Int
        public let target: Double
        public let prediction: Double

        /// prediction - target
        public var error: Double { prediction - target }
    }

    /// Up to `count` examples by absolute error, largest first (ties: lower index first);
    /// exact predictions are never listed.
    /// - targets, predictions: (N)
    public static func select(targets: [Double], predictions: [Double], count: Int) -> [Error] {
        precondition(targets.count == predictions.count, "one prediction per example")
        var errors = zip(targets, predictions).enumerated().compactMap { index, pair in
            pair.0 == pair.1 ? nil : Error(index: index, target: pair.0, prediction: pair.1)
        }
        errors.sort { abs($0.error) != abs($1.error) ? abs($0.error) > abs($1.error) : $0.index < $1.index }
        return Array(errors.prefix(max(count, 0)))
    }
}
