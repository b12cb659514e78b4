/// `torch.nn.functional.mse_loss` with mean reduction, the regression loss (one label:
/// transformers `problem_type: "regression"`).
public enum MeanSquaredError {
    /// - dpredictions: (N), overwritten with scale · 2 (x - y) / N; nil to skip
    /// - predictions, targets: (N)
    @discardableResult
    public static func compute(dpredictions: UnsafeMutablePointer<Float>?, predictions: UnsafePointer<Float>,
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
