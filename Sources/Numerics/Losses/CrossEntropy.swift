import Foundation

/// Cross-entropy over class logits with mean reduction, exactly as
/// `torch.nn.functional.cross_entropy(logits, labels, weight:, ignore_index: -100, label_smoothing:)`
/// (ATen `cross_entropy_loss_label_smoothing`):
///
///     loss = (1 - ε) · Σᵢ w[yᵢ]·(-log pᵢ[yᵢ]) / D  +  ε/K · Σᵢ Σₖ w[k]·(-log pᵢ[k]) / D
///
/// over rows i whose label is not `ignoreIndex`, with D = Σᵢ w[yᵢ] (the count of such rows
/// without weights) and K classes.
public enum CrossEntropy {
    public static let ignoreIndex = -100

    /// Forward and backward together: the loss, and dlogits = scale · d loss / d logits.
    /// Returns 0 with zero gradients when every label is ignored (PyTorch would return NaN;
    /// an all-padding MLM batch must not poison training).
    /// - dlogits: (N, K), overwritten; nil to skip the gradient
    /// - logits: (N, K); both contiguous
    /// - labels: (N) class ids in [0, K) or `ignoreIndex`; the caller validates the range
    /// - classWeights: (K) or nil
    @discardableResult
    public static func compute(dlogits: MutableMatrixView?, logits: MatrixView, labels: [Int32],
                               classWeights: [Float]? = nil, labelSmoothing eps: Float = 0, scale: Float = 1) -> Float {
        assert(logits.rows == labels.count && logits.isContiguous
               && (dlogits.map { $0.rows == logits.rows && $0.columns == logits.columns && $0.isContiguous } ?? true)
               && (classWeights?.count ?? logits.columns) == logits.columns,
               "CrossEntropy: logits \(logits.rows)x\(logits.columns) for \(labels.count) labels")
        func run(_ weights: UnsafePointer<Float>?) -> Float {
            compute(dlogits: dlogits?.base, logits: logits.base, labels: labels, rows: logits.rows,
                    classes: logits.columns, classWeights: weights, labelSmoothing: eps, scale: scale)
        }
        guard let classWeights else { return run(nil) }
        return classWeights.withUnsafeBufferPointer { run($0.baseAddress) }
    }

    // The pointer form: the one implementation the view form calls.

    /// Forward and backward together: the loss, and dlogits = scale · d loss / d logits.
    /// Returns 0 with zero gradients when every label is ignored (PyTorch would return NaN;
    /// an all-padding MLM batch must not poison training).
    /// - dlogits: (N, K), overwritten; nil to skip the gradient
    /// - logits: (N, K)
    /// - labels: (N) class ids in [0, K) or `ignoreIndex`; the caller validates the range
    /// - classWeights: (K) or nil
    @discardableResult
    static func compute(dlogits: UnsafeMutablePointer<Float>?, logits: UnsafePointer<Float>,
                               labels: UnsafePointer<Int32>, rows N: Int, classes K: Int,
                               classWeights: UnsafePointer<Float>? = nil, labelSmoothing eps: Float = 0,
                               scale: Float = 1) -> Float {
        var denominator: Double = 0
        for i in 0..<N where Int(labels[i]) != ignoreIndex {
            let y = Int(labels[i])
            precondition(y >= 0 && y < K, "label \(y) out of range 0..<\(K)")
            denominator += Double(classWeights?[y] ?? 1)
        }
        if let dlogits { dlogits.update(repeating: 0, count: N * K) }
        guard denominator > 0 else { return 0 }
        var weightSum: Float = Float(K)
        if let classWeights { weightSum = 0; for k in 0..<K { weightSum += classWeights[k] } }
        var nll: Double = 0, smooth: Double = 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: K) { probs in
            let p = probs.baseAddress!
            for i in 0..<N where Int(labels[i]) != ignoreIndex {
                let y = Int(labels[i])
                let z = logits + i * K
                var maximum = -Float.infinity
                for k in 0..<K { maximum = max(maximum, z[k]) }
                var sum: Double = 0
                for k in 0..<K { let e = Double(expf(z[k] - maximum)); p[k] = Float(e); sum += e }
                let logSum = Double(maximum) + log(sum)
                let wy = Double(classWeights?[y] ?? 1)
                nll += wy * (logSum - Double(z[y]))
                if eps > 0 {
                    for k in 0..<K { smooth += Double(classWeights?[k] ?? 1) * (logSum - Double(z[k])) }
                }
                guard let dlogits else { continue }
                let d = dlogits + i * K
                let nllScale = Float((1 - Double(eps)) * wy / denominator) * scale
                let smoothScale = Float(Double(eps) / Double(K) / denominator) * scale
                let inv = Float(1 / sum)
                for k in 0..<K {
                    let pk = p[k] * inv
                    d[k] = nllScale * pk + smoothScale * (weightSum * pk - (classWeights?[k] ?? 1))
                }
                d[y] -= nllScale
            }
        }
        return Float((1 - Double(eps)) * nll / denominator + Double(eps) / Double(K) * smooth / denominator)
    }
}
