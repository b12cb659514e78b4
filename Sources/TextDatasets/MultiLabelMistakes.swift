/// The multi-label examples whose predicted set of classes is wrong, ranked by their most
/// confidently wrong class decision: a class given probability p ≥ threshold that the example
/// lacks (confidence p), or a class it has given p < threshold (confidence 1 - p).
///
///     let worst = MultiLabelMistakes.select(trueLabels: [[0], [1]], probabilities: [[0.9, 0.8], [0.3, 0.6]], count: 5)
///     // [Mistake(index: 0, predictedLabels: [0, 1], worstLabel: 1, confidence: 0.8)]
public enum MultiLabelMistakes {
    public struct Mistake: Sendable, Equatable {
        /// The example's index in the evaluated split.
        public let index: Int
        /// The classes at or above the threshold.
        public let predictedLabels: [Int]
        /// The class whose decision was the most confidently wrong, and that confidence.
        public let worstLabel: Int
        public let confidence: Double
    }

    /// Up to `count` examples with a wrong predicted set, most confident mistake first (ties:
    /// lower index first).
    /// - trueLabels: the class ids of each example: (N, *)
    /// - probabilities: per example, each class's sigmoid: (N, C)
    public static func select(trueLabels: [[Int]], probabilities: [[Double]], threshold: Double = 0.5,
                              count: Int) -> [Mistake] {
        precondition(trueLabels.count == probabilities.count, "one probability row per example")
        var mistakes: [Mistake] = []
        for (index, (truth, row)) in zip(trueLabels, probabilities).enumerated() {
            let present = Set(truth)
            var worst: (label: Int, confidence: Double)?
            for (label, p) in row.enumerated() {
                let predicted = p >= threshold
                guard predicted != present.contains(label) else { continue }
                let confidence = predicted ? p : 1 - p
                if worst == nil || confidence > worst!.confidence { worst = (label, confidence) }
            }
            guard let worst else { continue }
            mistakes.append(Mistake(index: index, predictedLabels: row.indices.filter { row[$0] >= threshold },
                                    worstLabel: worst.label, confidence: worst.confidence))
        }
        mistakes.sort { $0.confidence != $1.confidence ? $0.confidence > $1.confidence : $0.index < $1.index }
        return Array(mistakes.prefix(max(count, 0)))
    }
}
