/// `torch.nn.functional.mse_loss` with mean reduction, the regression loss (one label:
/// transformers `problem_type: "regression"`).
public enum MeanSquaredError {
    /// - dpredictions: (N, 1), overwritten with scale · 2 (x - y) / N; nil to skip
    /// - predictions: (N, 1); targets: (N); all contiguous
    @discardableResult
    public static func compute(dpredictions: MutableMatrixView?, predictions: MatrixView, targets: [Float],
                               scale: Float = 1) -> Float {
        assert(targets.count == predictions.count && predictions.isContiguous
               && (dpredictions.map { $0.count == predictions.count && $0.isContiguous } ?? true),
               "MeanSquaredError: \(targets.count) targets for \(predictions.count) predictions")
        return compute(dpredictions: dpredictions?.base, predictions: predictions.base, targets: targets,
                       count: predictions.count, scale: scale)
    }

    // The pointer form: the one implementation the view form calls.

    /// - dpredictions: (N), overwritten with scale · 2 (x - y) / N; nil to skip
    /// - predictions, targets: (N)
    @discardableResult
    static func compute(dpredictions: UnsafeMutablePointer<Float>?, predictions: UnsafePointer<Float>,
                               targets: UnsafePointer<Float>, count: Int, scale: Float = 1) -> Float {
        guard count > 0 else { return 0 }
        var total: Double = 0
        for i in 0..<count {
            let d = predictions[i] - targets[i]
            total += Double(d * d)
            dpredictions?[i] = scale * 2 * d / Float(count)
        }
        return Float(total / Double(count))
    }
}
