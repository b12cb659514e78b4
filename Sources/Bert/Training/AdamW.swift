import Foundation
import Numerics

/// AdamW exactly as `torch.optim.AdamW` (single-tensor path, `torch/optim/adamw.py` / `adam.py`):
///
///     θ ← θ · (1 - lr·λ)                      decoupled weight decay, only on decaying tensors
///     m ← m + (1 - β1)(g - m)                 (`exp_avg.lerp_(grad, 1 - beta1)`)
///     v ← β2·v + (1 - β2)·g²
///     θ ← θ - lr / (1 - β1ᵗ) · m / (√v / √(1 - β2ᵗ) + ε)
///
/// Biases and LayerNorm weights get no decay (`ParameterLayout.Entry.decays`), as the transformers
/// Trainer groups them. Moments share the parameters' layout, so a step is one pass over
/// memory that reads and writes each value once, spread over both cores.
public final class AdamW {
    public struct Settings: Equatable {
        public var beta1: Float = 0.9
        public var beta2: Float = 0.999
        public var eps: Float = 1e-8
        public var weightDecay: Float = 0
        public init(beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0) {
            self.beta1 = beta1
            self.beta2 = beta2
            self.eps = eps
            self.weightDecay = weightDecay
        }
    }

    public var settings: Settings
    /// Steps taken (t in the bias corrections).
    public private(set) var step = 0
    let m: FloatBuffer
    let v: FloatBuffer
    /// Per-entry ranges and whether they decay, precomputed.
    private let ranges: [(range: Range<Int>, decays: Bool)]

    public init(layout: ParameterLayout, settings: Settings = Settings()) {
        self.settings = settings
        m = FloatBuffer(count: layout.totalCount)
        v = FloatBuffer(count: layout.totalCount)
        ranges = layout.entries.map { ($0.offset..<($0.offset + $0.count), $0.decays) }
    }

    /// One update of `parameters` from `gradients` (same layout) at learning rate `lr`.
    public func update(parameters: FloatBuffer, gradients: FloatBuffer, lr: Float) {
        precondition(parameters.count == m.count && gradients.count == m.count, "AdamW layout mismatch")
        step += 1
        let s = settings
        // Bias corrections in Double as torch computes them in Python floats.
        let bias1 = 1 - pow(Double(s.beta1), Double(step))
        let bias2Sqrt = (1 - pow(Double(s.beta2), Double(step))).squareRoot()
        let stepSize = Float(Double(lr) / bias1)
        let invBias2Sqrt = Float(1 / bias2Sqrt)
        let p = parameters.pointer, g = gradients.pointer, mp = m.pointer, vp = v.pointer
        let b1 = s.beta1, b2 = s.beta2, eps = s.eps
        for (range, decays) in ranges {
            let decay = decays ? 1 - lr * s.weightDecay : 1
            Parallel.forRanges(range.count, work: 4) { local in
                for i in (range.lowerBound + local.lowerBound)..<(range.lowerBound + local.upperBound) {
                    let grad = g[i]
                    let mi = mp[i] + (1 - b1) * (grad - mp[i])
                    let vi = b2 * vp[i] + (1 - b2) * grad * grad
                    mp[i] = mi
                    vp[i] = vi
                    let denominator = vi.squareRoot() * invBias2Sqrt + eps
                    p[i] = p[i] * decay - stepSize * mi / denominator
                }
            }
        }
    }

    /// Sets the step count and the moments (P each) to what a checkpoint recorded.
    func restore(step: Int, m first: [Float], v second: [Float]) {
        precondition(first.count == m.count && second.count == v.count, "AdamW layout mismatch")
        self.step = step
        first.withUnsafeBufferPointer { m.pointer.update(from: $0.baseAddress!, count: $0.count) }
        second.withUnsafeBufferPointer { v.pointer.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// Forgets the moments and the step count.
    public func reset() {
        m.zero()
        v.zero()
        step = 0
    }
}
