import Foundation

/// GELU, the exact erf form BERT uses (`hidden_act: "gelu"`, transformers `GELUActivation`):
/// gelu(x) = x · Φ(x) = 0.5 · x · (1 + erf(x / √2)), with `FastMath.erf` (error < 1.5e-7).
public enum GELU {
    static let invSqrt2: Float = 0.70710678118654752440
    static let invSqrt2Pi: Float = 0.39894228040143267794

    /// - out: (N), overwritten; may alias `inp`
    /// - inp: (N)
    public static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        Parallel.forRanges(count, work: 1) { range in
            for i in range {
                let x = inp[i]
                out[i] = 0.5 * x * (1 + FastMath.erf(x * invSqrt2))
            }
        }
    }

    /// gelu'(x) = Φ(x) + x · φ(x).
    /// - dinp: (N), overwritten; may alias `dout`
    /// - inp: (N) the forward input
    /// - dout: (N)
    public static func backward(dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                                dout: UnsafePointer<Float>, count: Int) {
        Parallel.forRanges(count, work: 1) { range in
            for i in range {
                let x = inp[i]
                let cdf = 0.5 * (1 + FastMath.erf(x * invSqrt2))
                let pdf = invSqrt2Pi * FastMath.exp(-0.5 * x * x)
                dinp[i] = dout[i] * (cdf + x * pdf)
            }
        }
    }
}
