/// Central finite differences for checking hand-written backward passes.
///
///     let numeric = GradientCheck.numerical(count: x.count, step: 1e-2,
///         perturb: { i, delta in x[i] += delta }, loss: { forwardLoss() })
///
/// Each forward's loss is accumulated in Float64 by the caller (see `dot`), so the only Float32
/// error is the forward itself; with a step of ~1e-2 on O(1) inputs that keeps the estimate
/// within ~1e-3 relative of the true gradient.
public enum GradientCheck {
    /// d loss / d x_i ≈ (loss(x + h e_i) - loss(x - h e_i)) / 2h for every i.
    public static func numerical(count: Int, step h: Float, perturb: (Int, Float) -> Void,
                                 loss: () -> Double) -> [Double] {
        var gradient = [Double](repeating: 0, count: count)
        for i in 0..<count {
            perturb(i, h)
            let plus = loss()
            perturb(i, -2 * h)
            let minus = loss()
            perturb(i, h)
            gradient[i] = (plus - minus) / (2 * Double(h))
        }
        return gradient
    }

    /// Σ a_i · b_i in Float64: the scalar "loss" whose gradient with respect to a layer's
    /// output is `b`, which turns any layer into a function a finite difference can probe.
    public static func dot(_ a: UnsafePointer<Float>, _ b: [Float]) -> Double {
        var sum: Double = 0
        for i in b.indices { sum += Double(a[i]) * Double(b[i]) }
        return sum
    }

    /// max |analytic - numeric| / max(‖numeric‖∞, floor).
    public static func relativeError(_ analytic: [Float], _ numeric: [Double], floor: Double = 1e-3) -> Double {
        var worst: Double = 0, scale: Double = floor
        for i in numeric.indices {
            worst = max(worst, abs(Double(analytic[i]) - numeric[i]))
            scale = max(scale, abs(numeric[i]))
        }
        return worst / scale
    }
}

/// A small deterministic generator for test inputs (SplitMix64), independent of the code under test.
public struct TestRandom {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-scale, scale).
    public mutating func uniform(_ scale: Float = 1) -> Float {
        (Float(next() >> 40) / Float(1 << 24) * 2 - 1) * scale
    }

    public mutating func uniformArray(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in uniform(scale) }
    }
}
