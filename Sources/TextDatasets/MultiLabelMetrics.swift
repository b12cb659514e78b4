/// Metrics for multi-label predictions (each example has a set of classes), as scikit-learn
/// defines them for label-indicator matrices.
///
///     let predicted = MultiLabelMetrics.predictions(probabilities: [[0.9, 0.2]], threshold: 0.5) // [[0]]
///     let m = try MultiLabelMetrics(trueLabels: [[0, 1]], predictedLabels: predicted, labelNames: ["a", "b"])
///
/// Subset accuracy: the fraction of examples whose predicted set equals the true set.
/// Per class c over examples: precision tp/(tp+fp), recall tp/(tp+fn), F1 2tp/(2tp+fp+fn),
/// 0 when a denominator is 0. Micro F1 pools tp/fp/fn over every (example, class); macro
/// precision, recall and F1 are means over all classes (scikit-learn uses every column of an
/// indicator matrix). Hamming loss: the fraction of (example, class) decisions that are wrong,
/// (fp + fn) / (N·C), as `sklearn.metrics.hamming_loss`.
public struct MultiLabelMetrics: Sendable, Equatable {
    public let labelNames: [String]
    public let exampleCount: Int
    public let subsetAccuracy: Double
    /// Per class: (C).
    public let precision: [Double]
    public let recall: [Double]
    public let f1: [Double]
    /// The number of examples that have each class: (C).
    public let support: [Int]
    public let microPrecision: Double
    public let microRecall: Double
    public let microF1: Double
    public let macroPrecision: Double
    public let macroRecall: Double
    public let macroF1: Double
    public let hammingLoss: Double

    /// The classes whose probability is at least `threshold`, per example (a sigmoid output
    /// over 0.5 is a positive logit).
    /// - probabilities: (N, C)
    public static func predictions(probabilities: [[Double]], threshold: Double = 0.5) -> [[Int]] {
        probabilities.map { row in row.indices.filter { row[$0] >= threshold } }
    }

    /// - trueLabels, predictedLabels: the class ids of each example: (N, *).
    public init(trueLabels: [[Int]], predictedLabels: [[Int]], labelNames: [String]) throws {
        precondition(trueLabels.count == predictedLabels.count, "one prediction per example")
        guard !trueLabels.isEmpty else { throw DatasetError.argument("there are no examples to evaluate") }
        let classes = labelNames.count
        var tp = [Int](repeating: 0, count: classes), fp = tp, fn = tp
        var exact = 0
        for (truth, predicted) in zip(trueLabels, predictedLabels) {
            let t = Set(truth), p = Set(predicted)
            precondition((t.union(p)).allSatisfy { (0..<classes).contains($0) }, "label id out of range")
            if t == p { exact += 1 }
            for c in t.intersection(p) { tp[c] += 1 }
            for c in p.subtracting(t) { fp[c] += 1 }
            for c in t.subtracting(p) { fn[c] += 1 }
        }
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        self.labelNames = labelNames
        exampleCount = trueLabels.count
        subsetAccuracy = Double(exact) / Double(trueLabels.count)
        precision = (0..<classes).map { ratio(tp[$0], tp[$0] + fp[$0]) }
        recall = (0..<classes).map { ratio(tp[$0], tp[$0] + fn[$0]) }
        f1 = (0..<classes).map { ratio(2 * tp[$0], 2 * tp[$0] + fp[$0] + fn[$0]) }
        support = (0..<classes).map { tp[$0] + fn[$0] }
        let (pooledTP, pooledFP, pooledFN) = (tp.reduce(0, +), fp.reduce(0, +), fn.reduce(0, +))
        microPrecision = ratio(pooledTP, pooledTP + pooledFP)
        microRecall = ratio(pooledTP, pooledTP + pooledFN)
        microF1 = ratio(2 * pooledTP, 2 * pooledTP + pooledFP + pooledFN)
        func mean(_ values: [Double]) -> Double { classes == 0 ? 0 : values.reduce(0, +) / Double(classes) }
        macroPrecision = mean(precision)
        macroRecall = mean(recall)
        macroF1 = mean(f1)
        hammingLoss = classes == 0 ? 0 : Double(pooledFP + pooledFN) / Double(trueLabels.count * classes)
    }
}
