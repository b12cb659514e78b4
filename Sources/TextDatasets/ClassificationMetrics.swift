/// Accuracy, per-class precision / recall / F1 / support, macro and weighted averages and the
/// confusion matrix of single-label predictions, as scikit-learn's `accuracy_score`,
/// `precision_recall_fscore_support` and `confusion_matrix` define them.
///
///     let m = try ClassificationMetrics(trueLabels: [0, 1, 1], predictedLabels: [0, 1, 0],
///                                       labelNames: ["negative", "positive"])
///     m.accuracy          // 2/3
///     m.confusion         // [[1, 0], [1, 1]]: rows = true class, columns = predicted class
///
/// Definitions, for class c with tp/fp/fn counted from the confusion matrix:
/// precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2 tp / (2 tp + fp + fn) (the
/// harmonic mean of the two), each 0 when its denominator is 0 (scikit-learn's
/// `zero_division=0`), so nothing is NaN. Macro averages take the unweighted mean over the
/// classes that occur among the true or the predicted labels (scikit-learn's default
/// `labels=None`); a class absent from both is listed with zeros but not averaged. Weighted
/// F1 weights each class by its support (its number of true examples).
public struct ClassificationMetrics: Sendable, Equatable {
    public let labelNames: [String]
    /// confusion[t][p]: examples of true class t predicted as p: (C, C).
    public let confusion: [[Int]]
    public let exampleCount: Int
    public let accuracy: Double
    /// Per class: (C).
    public let precision: [Double]
    public let recall: [Double]
    public let f1: [Double]
    /// The number of true examples of each class: (C).
    public let support: [Int]
    public let macroPrecision: Double
    public let macroRecall: Double
    public let macroF1: Double
    public let weightedF1: Double

    /// - trueLabels, predictedLabels: class ids in `0..<labelNames.count`, one per example: (N).
    /// - Throws: when there are no examples (accuracy would be undefined).
    public init(trueLabels: [Int], predictedLabels: [Int], labelNames: [String]) throws {
        precondition(trueLabels.count == predictedLabels.count, "one prediction per example")
        guard !trueLabels.isEmpty else {
            throw DatasetError.argument("there are no examples to evaluate")
        }
        let classes = labelNames.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (truth, predicted) in zip(trueLabels, predictedLabels) {
            precondition((0..<classes).contains(truth) && (0..<classes).contains(predicted), "label id out of range")
            confusion[truth][predicted] += 1
        }
        let n = trueLabels.count
        var precision = [Double](repeating: 0, count: classes)
        var recall = precision, f1 = precision
        var support = [Int](repeating: 0, count: classes)
        var present: [Int] = []
        var correct = 0
        for c in 0..<classes {
            let tp = confusion[c][c]
            let trueCount = confusion[c].reduce(0, +)                   // tp + fn
            let predictedCount = confusion.reduce(0) { $0 + $1[c] }      // tp + fp
            correct += tp
            support[c] = trueCount
            precision[c] = Self.ratio(tp, predictedCount)
            recall[c] = Self.ratio(tp, trueCount)
            f1[c] = Self.ratio(2 * tp, trueCount + predictedCount)      // 2tp / (2tp + fp + fn)
            if trueCount > 0 || predictedCount > 0 { present.append(c) }
        }
        func mean(_ values: [Double]) -> Double {
            present.isEmpty ? 0 : present.reduce(0) { $0 + values[$1] } / Double(present.count)
        }
        self.labelNames = labelNames
        self.confusion = confusion
        self.exampleCount = n
        self.accuracy = Double(correct) / Double(n)
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
        self.macroPrecision = mean(precision)
        self.macroRecall = mean(recall)
        self.macroF1 = mean(f1)
        self.weightedF1 = (0..<classes).reduce(0) { $0 + f1[$1] * Double(support[$1]) } / Double(n)
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }
}
