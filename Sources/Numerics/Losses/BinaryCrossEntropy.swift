import Foundation

/// `torch.nn.functional.binary_cross_entropy_with_logits` with mean reduction, the multi-label
/// loss (transformers `problem_type: "multi_label_classification"`):
/// l = max(x, 0) - x·y + log(1 + exp(-|x|)), mean over all N·K elements.
public enum BinaryCrossEntropy {
    /// - dlogits: (N, K), overwritten with scale · (σ(x) - y) / (N·K); nil to skip
    /// - logits: (N, K); targets: N·K values; all contiguous
    @discardableResult
    public static func compute(dlogits: MutableMatrixView?, logits: MatrixView, targets: [Float], scale: Float = 1) -> Float {
        assert(targets.count == logits.count && logits.isContiguous
               && (dlogits.map { $0.rows == logits.rows && $0.columns == logits.columns && $0.isContiguous } ?? true),
               "BinaryCrossEntropy: \(targets.count) targets for \(logits.rows)x\(logits.columns) logits")
        return compute(dlogits: dlogits?.base, logits: logits.base, targets: targets, count: logits.count, scale: scale)
    }

    // The pointer form: the one implementation the view form calls.

    /// - dlogits: (N, K), overwritten with scale · (σ(x) - y) / (N·K); nil to skip
    /// - logits, targets: (N, K)
    @discardableResult
    static func compute(dlogits: UnsafeMutablePointer<Float>?, logits: UnsafePointer<Float>,
                               targets: UnsafePointer<Float>, count: Int, scale: Float = 1) -> Float {
        guard count > 0 else { return 0 }
        var total: Double = 0
        let inv = scale / Float(count)
        for i in 0..<count {
            let x = logits[i], y = targets[i]
            total += Double(max(x, 0) - x * y + log1pf(expf(-abs(x))))
            if let dlogits {
                let sigmoid = x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
                dlogits[i] = (sigmoid - y) * inv
            }
        }
        return Float(total / Double(count))
    }
}
