/// Branch-free `exp` and `erf` for Float32 that the compiler can vectorise (libm's `expf` and
/// `erff` are opaque calls, one element at a time). PyTorch's CPU kernels use vectorised
/// approximations too (Sleef, ~1 ulp).
public enum FastMath {
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
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        let r2 = r * r
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r2 + r + 1
        let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        return y * Float(bitPattern: exponent)
    }

    /// erf(x) within 4.2e-7 absolute (Eigen's `generic_fast_erf_float`: a rational minimax fit
    /// x · P(x²) / Q(x²) on [-4, 4], where erf is ±1 to float precision beyond).
    @inline(__always)
    public static func erf(_ value: Float) -> Float {
        var x = value < -4 ? -4 : value
        x = x > 4 ? 4 : x
        let x2 = x * x
        var p: Float = -2.72614225801306e-10
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q: Float = -1.45660718464996e-05
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return x * p / q
    }
}
