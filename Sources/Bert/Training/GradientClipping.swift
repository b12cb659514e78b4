import Numerics

/// `torch.nn.utils.clip_grad_norm_` with the 2-norm over the gradients as one vector:
/// coefficient = max_norm / (total_norm + 1e-6), clamped to at most 1, and every gradient is
/// multiplied by it (also when it is 1, as torch does). `range` is the trained part of the flat
/// buffer (the optimizer's parameters, as torch is given `model.parameters()` of those that
/// require gradients); frozen gradients are neither counted nor scaled.
public enum GradientClipping {
    /// Clips in place and returns the total norm before clipping.
    @discardableResult
    public static func clip(_ gradients: FloatBuffer, range: Range<Int>? = nil, maxNorm: Float) -> Float {
        let range = range ?? 0..<gradients.count
        let norm = norm(gradients, range: range)
        let coefficient = min(Double(maxNorm) / (Double(norm) + 1e-6), 1)
        if coefficient < 1 { VectorOps.scale(gradients.vector(offset: range.lowerBound, count: range.count), by: Float(coefficient)) }
        return norm
    }

    /// The 2-norm of `range` (all by default) without clipping.
    public static func norm(_ gradients: FloatBuffer, range: Range<Int>? = nil) -> Float {
        let range = range ?? 0..<gradients.count
        return Float(VectorOps.sumOfSquares(gradients.vector(offset: range.lowerBound, count: range.count).readOnly).squareRoot())
    }
}
