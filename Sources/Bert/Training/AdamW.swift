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
/// Trainer groups them. Each tensor's rate is lr times its `ParameterGroups` scale (layer-wise
/// decay), and its decay factor 1 − rate·λ uses that rate, as torch's per-group `lr` does.
/// Moments exist for the trained tensors only (`ParameterGroups.trainedOffset` on: frozen
/// tensors have none, as torch keeps no state for parameters outside the optimizer) and share
/// the parameters' layout from there, so a step is one pass over memory that reads and writes
/// each trained value once, spread over both cores.
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
    /// (P − trainedOffset) the moments of the trained values: m[i − trainedOffset] belongs to
    /// parameter i.
    private(set) var m: FloatBuffer
    private(set) var v: FloatBuffer
    /// The trained tensors, their decay and rate multiples.
    public private(set) var groups: ParameterGroups
    private let parameterCount: Int

    public init(layout: ParameterLayout, settings: Settings = Settings(), groups: ParameterGroups? = nil) {
        self.settings = settings
        let groups = groups ?? ParameterGroups(layout: layout, layers: 0)
        self.groups = groups
        parameterCount = layout.totalCount
        m = FloatBuffer(count: layout.totalCount - groups.trainedOffset)
        v = FloatBuffer(count: layout.totalCount - groups.trainedOffset)
    }

    /// Changes what is trained and at which rates (a later `train` with other `freeze:` or
    /// `layerDecay:`). Moments of tensors still trained are kept; newly trained tensors start
    /// from zero moments under the one step count (torch would count their steps from 1: the
    /// bias correction of their first updates differs); tensors no longer trained lose theirs.
    public func regroup(_ new: ParameterGroups) {
        guard new != groups else { return }
        if new.trainedOffset != groups.trainedOffset {
            let count = parameterCount - new.trainedOffset
            let newM = FloatBuffer(count: count), newV = FloatBuffer(count: count)
            let start = max(new.trainedOffset, groups.trainedOffset)
            let kept = parameterCount - start
            if kept > 0 {
                newM.vector(offset: start - new.trainedOffset, count: kept)
                    .copy(from: m.vector(offset: start - groups.trainedOffset, count: kept).readOnly)
                newV.vector(offset: start - new.trainedOffset, count: kept)
                    .copy(from: v.vector(offset: start - groups.trainedOffset, count: kept).readOnly)
            }
            m = newM
            v = newV
        }
        groups = new
    }

    /// One update of `parameters` from `gradients` (same layout) at learning rate `lr` (each
    /// trained tensor at lr times its scale); frozen values are not read or written.
    public func update(parameters: FloatBuffer, gradients: FloatBuffer, lr: Float) {
        precondition(parameters.count == parameterCount && gradients.count == parameterCount, "AdamW layout mismatch")
        step += 1
        let s = settings
        // Bias corrections in Double as torch computes them in Python floats.
        let bias1 = 1 - pow(Double(s.beta1), Double(step))
        let bias2Sqrt = (1 - pow(Double(s.beta2), Double(step))).squareRoot()
        let stepSize = Float(Double(lr) / bias1)
        let invBias2Sqrt = Float(1 / bias2Sqrt)
        let p = parameters.vector, g = gradients.vector.readOnly
        // Moments are indexed from the first trained value.
        let mp = m.vector, vp = v.vector, o = groups.trainedOffset
        let b1 = s.beta1, b2 = s.beta2, eps = s.eps
        for (range, decays, scale) in groups.entries {
            // A scaled rate as torch's group lr: lr · d^k in Double, then Float; scale 1 is lr itself.
            let rate = scale == 1 ? lr : Float(Double(lr) * scale)
            let groupStepSize = scale == 1 ? stepSize : Float(Double(rate) / bias1)
            let decay = decays ? 1 - rate * s.weightDecay : 1
            Parallel.forRanges(range.count, work: 4) { local in
                for i in (range.lowerBound + local.lowerBound)..<(range.lowerBound + local.upperBound) {
                    let grad = g[i]
                    let mi = mp[i - o] + (1 - b1) * (grad - mp[i - o])
                    let vi = b2 * vp[i - o] + (1 - b2) * grad * grad
                    mp[i - o] = mi
                    vp[i - o] = vi
                    let denominator = vi.squareRoot() * invBias2Sqrt + eps
                    p[i] = p[i] * decay - groupStepSize * mi / denominator
                }
            }
        }
    }

    /// Sets the step count and the moments (the trained count each) to what a checkpoint recorded.
    func restore(step: Int, m first: [Float], v second: [Float]) {
        precondition(first.count == m.count && second.count == v.count, "AdamW layout mismatch")
        self.step = step
        m.vector.copy(from: first)
        v.vector.copy(from: second)
    }

    /// Forgets the moments and the step count.
    public func reset() {
        m.zero()
        v.zero()
        step = 0
    }
}
