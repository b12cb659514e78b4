/// Row reductions with explicit SIMD accumulators. The compiler does not vectorise a float sum on
/// its own (it may not reassociate additions), and LayerNorm and softmax are dominated by them.
/// Sixteen lanes, then a scalar tail; the summation order differs from a plain loop by rounding only.
public enum RowReductions {
    /// Σ x[i], i < n.
    @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: 0)
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 16 <= n {
            acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var total = acc.sum()
        while i < n { total += x[i]; i += 1 }
        return total
    }

    /// Σ (x[i] - c)², i < n.
    @inline(__always)
    public static func sumOfSquaredDeviations(_ x: UnsafePointer<Float>, from c: Float, _ n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: 0)
        let center = SIMD16<Float>(repeating: c)
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 16 <= n {
            let d = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - center
            acc += d * d
            i += 16
        }
        var total = acc.sum()
        while i < n { let d = x[i] - c; total += d * d; i += 1 }
        return total
    }

    /// Σ a[i]·b[i], i < n.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: 0)
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 16 <= n {
            acc += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var total = acc.sum()
        while i < n { total += a[i] * b[i]; i += 1 }
        return total
    }

    /// max x[i], i < n (n > 0).
    @inline(__always)
    public static func maximum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var i = 0
        var best = -Float.infinity
        if n >= 16 {
            let raw = UnsafeRawPointer(x)
            var acc = raw.loadUnaligned(as: SIMD16<Float>.self)
            i = 16
            while i + 16 <= n {
                acc = pointwiseMax(acc, raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self))
                i += 16
            }
            best = acc.max()
        }
        while i < n { best = Swift.max(best, x[i]); i += 1 }
        return best
    }
}
