#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Branch-free `exp` and `erf` for Float32 that the compiler can vectorise (libm's `expf` and
/// `erff` are opaque calls, one element at a time). PyTorch's CPU kernels use vectorised
/// approximations too (Sleef, ~1 ulp).
///
/// Each polynomial step is one fused multiply-add (`horner`), written out: the compiler fuses
/// nothing by itself without fast-math, so the results are the same bits on every build. On the
/// AVX2 build the vectorised loops run them as `vfmadd` (GELU 25% faster than with a multiply and
/// an add, by a timing of 6.3M values on Zen 3); a baseline x86-64 build calls libm's `fmaf`.
public enum FastMath {
    /// p · x + c with one rounding: a step of Horner's scheme.
    @inline(__always)
    static func horner(_ p: Float, _ x: Float, _ c: Float) -> Float { c.addingProduct(p, x) }

    /// e^x with ~1 ulp error on [-87, 88.3] (Cephes `expf`: range reduction by ln 2 in two parts,
    /// degree-5 minimax polynomial, exponent built in the bits). Inputs below -87.3 return
    /// ~2^-126 instead of a subnormal; callers that need exact zeros (masked keys) skip them.
    @inline(__always)
    public static func exp(_ value: Float) -> Float {
        var x = value < -87.3 ? -87.3 : value
        x = x > 88.3 ? 88.3 : x   // keeps 2^n finite (n <= 127)
        // Round x / ln 2 to nearest with the 1.5 · 2^23 trick: after the addition the integer n
        // sits in the low mantissa bits, read out with wrapping integer ops (a checked
        // Float -> Int32 conversion would stop the loop from vectorising).
        let shifted = x * 1.44269504088896341 + 12_582_912
        let n = shifted - 12_582_912
        let r = x.addingProduct(n, -0.693359375).addingProduct(n, 2.12194440e-4)
        let r2 = r * r
        var p: Float = 1.9875691500e-4
        p = horner(p, r, 1.3981999507e-3)
        p = horner(p, r, 8.3334519073e-3)
        p = horner(p, r, 4.1665795894e-2)
        p = horner(p, r, 1.6666665459e-1)
        p = horner(p, r, 5.0000001201e-1)
        let y = r.addingProduct(p, r2) + 1
        let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        return y * Float(bitPattern: exponent)
    }

    /// erf(x) within 1.5e-7 absolute (about 2 ulp near 1), branch-free so loops vectorise.
    /// Two least-squares fits made for this project (degree 7 in x² for |x| < 1, degree 12 for
    /// erfc(x)·e^(x²) on [1, 4], where erf is ±1 to float precision beyond 4):
    ///     |x| < 1:  erf(x) = x · A(x²)
    ///     |x| >= 1: erf(x) = 1 - e^(-x²) · B(|x| - 2.5)
    /// Both branches are computed and one is selected. (Eigen's rational fit, 4.2e-7, moved
    /// MiniLM's hidden states by 2e-5 against PyTorch; this one stays at the libm figure.)
    @inline(__always)
    public static func erf(_ value: Float) -> Float { erfAndGaussian(value).erf }

    /// erf(x), and e^(-x²), which erf's tail evaluates anyway: GELU's backward needs both (its
    /// φ(x) is e^(-(x/√2)²) / √(2π)), and shares one exp. e^(-x²) is of the unclamped x; beyond
    /// |x| = 4, where erf's polynomials stop, 1 - e^(-x²) · B rounds to 1 as at 4 itself
    /// (e^(-16) · B(1.5) ≈ 1.5e-8, under half an ulp of 1), so erf is the same bits either way.
    @inline(__always)
    static func erfAndGaussian(_ value: Float) -> (erf: Float, gaussian: Float) {
        var ax = value < 0 ? -value : value
        ax = ax > 4 ? 4 : ax
        let x2 = ax * ax
        let gaussian = exp(-(value * value))
        var a: Float = -9.809352630240135e-06
        a = horner(a, x2, 0.00011313144337818916)
        a = horner(a, x2, -0.0008490198883972217)
        a = horner(a, x2, 0.005221423122912315)
        a = horner(a, x2, -0.026865558386175034)
        a = horner(a, x2, 0.11283784463212868)
        a = horner(a, x2, -0.3761263858072808)
        a = horner(a, x2, 1.128379167071956)
        let small = ax * a
        let t = ax - 2.5
        var b: Float = 1.0468526575990635e-07
        b = horner(b, t, -4.1927859217304815e-07)
        b = horner(b, t, 9.643751320480088e-07)
        b = horner(b, t, -3.7884239510259113e-06)
        b = horner(b, t, 1.6146422747790913e-05)
        b = horner(b, t, -5.943838315221391e-05)
        b = horner(b, t, 0.00021087801677068338)
        b = horner(b, t, -0.0007332284629790569)
        b = horner(b, t, 0.002467088017103337)
        b = horner(b, t, -0.008001666864365894)
        b = horner(b, t, 0.024937990230628027)
        b = horner(b, t, -0.07434733939479378)
        b = horner(b, t, 0.2108063642093556)
        let large = 1 - gaussian * b
        let magnitude = ax < 1 ? small : large
        return (value < 0 ? -magnitude : magnitude, gaussian)
    }

    /// √x of eight lanes, each correctly rounded (IEEE 754), so bit for bit `Float.squareRoot()`.
    /// Swift 6.3 compiles both `SIMD8.squareRoot()` and a loop of `Float.squareRoot()` as scalar
    /// `sqrtf` calls (libm's, kept for errno), which no loop vectorises; this is `vsqrtps`. SSE's
    /// form on two halves, which every x86-64 CPU has (the build may target the baseline).
    /// Inlinable: called from other modules (AdamW) once per eight values.
    @inlinable @inline(__always)
    public static func squareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
        #if arch(x86_64)
        let low = _mm_sqrt_ps(x.lowHalf), high = _mm_sqrt_ps(x.highHalf)
        return SIMD8(lowHalf: low, highHalf: high)
        #else
        return x.squareRoot()
        #endif
    }
}
