import Numerics

/// `torch.nn.utils.clip_grad_norm_` with the 2-norm over all gradients as one vector:
/// coefficient = max_norm / (total_norm + 1e-6), clamped to at most 1, and every gradient is
/// multiplied by it (also when it is 1, as torch does).
public enum GradientClipping {
    /// Clips in place and returns the total norm before clipping.
    @discardableResult
    public static func clip(_ gradients: FloatBuffer, maxNorm: Float) -> Float {
        let norm = Float(VectorOps.sumOfSquares(gradients.pointer, count: gradients.count).squareRoot())
        let coefficient = min(Double(maxNorm) / (Double(norm) + 1e-6), 1)
        if coefficient < 1 { VectorOps.scale(gradients.pointer, by: Float(coefficient), count: gradients.count) }
        return norm
    }

    /// The global 2-norm without clipping.
    public static func norm(_ gradients: FloatBuffer) -> Float {
        Float(VectorOps.sumOfSquares(gradients.pointer, count: gradients.count).squareRoot())
    }
}
