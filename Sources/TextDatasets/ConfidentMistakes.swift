/// The examples a classifier got wrong with the highest confidence: the first thing to read
/// after an evaluation (mislabelled data, sarcasm, negation).
///
///     let worst = ConfidentMistakes.select(trueLabels: [0, 1], probabilities: [[0.1, 0.9], [0.2, 0.8]], count: 5)
///     // [Mistake(index: 0, trueLabel: 0, predictedLabel: 1, confidence: 0.9, trueLabelProbability: 0.1)]
public enum ConfidentMistakes {
    public struct Mistake: Sendable, Equatable {
        /// The example's index in the evaluated split.
        public let index: Int
        public let trueLabel: Int
        /// The arg-max class (the first on ties, as `torch.argmax`).
        public let predictedLabel: Int
        /// The probability of the predicted class.
        public let confidence: Double
        /// The probability the model gave the true class.
        public let trueLabelProbability: Double
    }

    /// Up to `count` wrong predictions, most confident first (ties: lower index first).
    /// - probabilities: per example, the class probabilities: (N, C).
    public static func select(trueLabels: [Int], probabilities: [[Double]], count: Int) -> [Mistake] {
        precondition(trueLabels.count == probabilities.count, "one probability row per example")
        var mistakes: [Mistake] = []
        for (index, (truth, row)) in zip(trueLabels, probabilities).enumerated() {
            guard let predicted = row.indices.max(by: { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }),
                  predicted != truth else { continue }
            mistakes.append(Mistake(index: index, trueLabel: truth, predictedLabel: predicted,
                                    confidence: row[predicted], trueLabelProbability: row[truth]))
        }
        mistakes.sort { $0.confidence != $1.confidence ? $0.confidence > $1.confidence : $0.index < $1.index }
        return Array(mistakes.prefix(max(count, 0)))
    }

    /// The same for Float probabilities (what the model computes).
    public static func select(trueLabels: [Int], probabilities: [[Float]], count: Int) -> [Mistake] {
        select(trueLabels: trueLabels, probabilities: probabilities.map { $0.map(Double.init) }, count: count)
    }
}
