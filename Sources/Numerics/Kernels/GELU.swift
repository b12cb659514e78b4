import Foundation

/// GELU, the exact erf form BERT uses (`hidden_act: "gelu"`, transformers `GELUActivation`):
/// gelu(x) = x · Φ(x) = 0.5 · x · (1 + erf(x / √2)), with `FastMath.erf` (error < 1.5e-7).
///
/// Both directions run in place in the model (inference applies GELU over its own input; the
/// backward scales the gradient where it lies). Each has a separate in-place loop: with `out`
/// equal to `inp`, LLVM's runtime overlap check sends a two-pointer loop down its scalar path,
/// which made GELU a third of inference time; a loop through one pointer needs no check.
public enum GELU {
    static let invSqrt2: Float = 0.70710678118654752440
    static let invSqrt2Pi: Float = 0.39894228040143267794

    @inline(__always)
    static func value(_ x: Float) -> Float { 0.5 * x * (1 + FastMath.erf(x * invSqrt2)) }

    /// gelu'(x) = Φ(x) + x · φ(x).
    @inline(__always)
    static func derivative(_ x: Float) -> Float {
        let (e, g) = FastMath.erfAndGaussian(x * invSqrt2)
        return derivative(x, erf: e, gaussian: g)
    }

    /// - erf: erf(x / √2), shared with `value` by `backwardRecomputingOutput`
    /// - gaussian: e^(-(x / √2)²), from the same evaluation of erf (one exp serves both)
    @inline(__always)
    static func derivative(_ x: Float, erf e: Float, gaussian g: Float) -> Float {
        let cdf = 0.5 * (1 + e)
        let pdf = invSqrt2Pi * g
        return cdf + x * pdf
    }

    /// - out: overwritten; may be `inp` itself (in place)
    /// - inp: the same shape; both contiguous
    public static func forward(out: MutableMatrixView, inp: MatrixView) {
        assert(inp.isContiguous(like: out.readOnly), "GELU: shapes")
        forward(out: out.base, inp: inp.base, count: inp.count)
    }

    /// - dinp: overwritten; may be `dout` itself (in place)
    /// - inp: the forward input; dout: the same shape; all contiguous
    public static func backward(dinp: MutableMatrixView, inp: MatrixView, dout: MatrixView) {
        assert(inp.isContiguous(like: dinp.readOnly) && inp.isContiguous(like: dout), "GELU backward: shapes")
        backward(dinp: dinp.base, inp: inp.base, dout: dout.base, count: inp.count)
    }

    /// The backward in place, writing the forward's output again on the way: one erf serves both
    /// (training keeps one GELU output for all layers and recomputes each layer's here, in the
    /// epilogue of the GEMM that wrote `dinp`; `BertActivations`).
    /// - dinp: in, the gradient of the output; out, of the input
    /// - out: overwritten with gelu(inp), bit for bit `forward`'s (the same operations in order)
    /// - inp: the forward input; all three the same shape, contiguous, `out` apart from the others
    public static func backwardRecomputingOutput(dinp: MutableMatrixView, out: MutableMatrixView, inp: MatrixView) {
        assert(inp.isContiguous(like: dinp.readOnly) && inp.isContiguous(like: out.readOnly), "GELU backward: shapes")
        let d = dinp.base, o = out.base, x = inp.base
        Parallel.forRanges(inp.count, work: 1) { range in
            for i in range {
                let v = x[i], (e, g) = FastMath.erfAndGaussian(v * invSqrt2)
                o[i] = 0.5 * v * (1 + e)
                d[i] *= derivative(v, erf: e, gaussian: g)
            }
        }
    }

    // The pointer forms: the one implementation the views call.

    /// - out: (N), overwritten; may be `inp` itself (in place)
    /// - inp: (N)
    static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        Parallel.forRanges(count, work: 1) { range in
            if UnsafePointer(out) == inp {
                for i in range { out[i] = value(out[i]) }
            } else {
                for i in range { out[i] = value(inp[i]) }
            }
        }
    }

    /// - dinp: (N), overwritten; may be `dout` itself (in place)
    /// - inp: (N) the forward input
    /// - dout: (N)
    static func backward(dinp: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                                dout: UnsafePointer<Float>, count: Int) {
        Parallel.forRanges(count, work: 1) { range in
            if UnsafePointer(dinp) == dout {
                for i in range { dinp[i] *= derivative(inp[i]) }
            } else {
                for i in range { dinp[i] = dout[i] * derivative(inp[i]) }
            }
        }
    }
}
