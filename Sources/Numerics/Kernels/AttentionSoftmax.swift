import Foundation

/// Softmax over the keys of attention scores with padded keys masked out.
///
/// transformers adds `(1 - mask) · finfo(float32).min` to the scores before the softmax; the
/// masked exponentials then underflow to exactly 0, so skipping the masked keys and writing 0 is
/// the same function. A row whose keys are all masked gets transformers' answer too: every
/// score becomes `min`, and the softmax is uniform.
public enum AttentionSoftmax {
    /// In place over `rows` rows of T scores that share one key mask.
    /// - scores: (rows, T), overwritten with probabilities
    /// - keyMask: (T), 1 for a real token, 0 for padding
    public static func forward(scores: UnsafeMutablePointer<Float>, keyMask: UnsafePointer<Float>,
                               rows: Int, keys T: Int) {
        var valid = 0
        for t in 0..<T where keyMask[t] != 0 { valid += 1 }
        for row in 0..<rows {
            let s = scores + row * T
            if valid == 0 {
                for t in 0..<T { s[t] = 1 / Float(T) }
                continue
            }
            if valid == T {
                // No padding (fixed-length batches, the longest sequence of a dynamic one): a
                // SIMD maximum and no mask product, the same values as the masked path.
                let maximum = RowReductions.maximum(s, T)
                for t in 0..<T { s[t] = FastMath.exp(s[t] - maximum) }
            } else {
                // The shift must come from real keys only: a padded key scoring far above them
                // would underflow every real exponential to 0.
                let maximum = RowReductions.maximum(s, where: keyMask, T)
                // Branch-free and without a reduction, so the loop vectorises: masked keys get 0.
                for t in 0..<T { s[t] = FastMath.exp(s[t] - maximum) * keyMask[t] }
            }
            let sum = RowReductions.sum(s, T)
            let inv = 1 / sum
            for t in 0..<T { s[t] *= inv }
        }
    }

    /// dscores = p ⊙ (dp - Σ p ⊙ dp), row by row.
    /// - dprobs: (rows, T), overwritten with d scores
    /// - probs: (rows, T) from the forward
    public static func backward(dprobs: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>,
                                rows: Int, keys T: Int) {
        for row in 0..<rows {
            let p = probs + row * T
            let d = dprobs + row * T
            let dot = RowReductions.dot(p, d, T)
            for t in 0..<T { d[t] = p[t] * (d[t] - dot) }
        }
    }
}
