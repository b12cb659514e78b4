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
                // A compare and a blend (vcmpps, vblendvps). `pointwiseMax` keeps IEEE maxNum's
                // NaN rules lane by lane, which Swift 6.3 compiles to sixteen scalar compares
                // through the stack: it made this maximum 70% of the softmax and the softmax 11%
                // of inference (perf, bench --only inference, T = 128). A NaN score never wins
                // here; the softmax of a row holding NaN is NaN either way.
                let next = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                acc.replace(with: next, where: next .> acc)
                i += 16
            }
            best = largestLane(acc)
        }
        while i < n { best = Swift.max(best, x[i]); i += 1 }
        return best
    }

    /// max x[i] over the i < n where mask[i] != 0; -∞ when the mask is all zero. The same value as
    /// a scalar loop (a maximum is exact), vectorised like `maximum`.
    @inline(__always)
    public static func maximum(_ x: UnsafePointer<Float>, where mask: UnsafePointer<Float>, _ n: Int) -> Float {
        var i = 0
        var best = -Float.infinity
        if n >= 16 {
            let rx = UnsafeRawPointer(x), rm = UnsafeRawPointer(mask)
            let excluded = SIMD16<Float>(repeating: -.infinity)
            var acc = excluded
            while i + 16 <= n {
                var next = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                next.replace(with: excluded, where: rm.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) .== 0)
                acc.replace(with: next, where: next .> acc)
                i += 16
            }
            best = largestLane(acc)
        }
        while i < n { if mask[i] != 0 { best = Swift.max(best, x[i]) }; i += 1 }
        return best
    }

    /// The largest of sixteen lanes by halving (three blends, then three scalar compares), for the
    /// reason given in `maximum`: `SIMD.max()` goes lane by lane through the stack.
    @inline(__always)
    static func largestLane(_ v: SIMD16<Float>) -> Float {
        var h8 = v.lowHalf
        h8.replace(with: v.highHalf, where: v.highHalf .> h8)
        var h4 = h8.lowHalf
        h4.replace(with: h8.highHalf, where: h8.highHalf .> h4)
        var h2 = h4.lowHalf
        h2.replace(with: h4.highHalf, where: h4.highHalf .> h2)
        return h2[1] > h2[0] ? h2[1] : h2[0]
    }
}
