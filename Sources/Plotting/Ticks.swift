import Foundation

/// Tick positions and labels for a numeric axis: "nice" steps of 1, 2 or 5 times a power
/// of ten (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990), or decades on
/// a log axis.
public struct Ticks: Equatable, Sendable {
    /// The axis range after widening to whole steps.
    public var domain: ClosedRange<Double>
    public var values: [Double]
    public var labels: [String]

    /// Linear ticks covering `lower...upper` with about `target` intervals; the domain is
    /// widened to whole steps so the data never touch an unlabelled end.
    /// A degenerate range (one value, or a constant series) is widened around the value.
    /// `minimumStep` (e.g. 1 for steps and epochs) keeps ticks off fractional values.
    public static func linear(_ lower: Double, _ upper: Double, target: Int = 5, widen: Bool = true,
                              minimumStep: Double = 0) -> Ticks {
        var (lo, hi) = sanitized(lower, upper)
        let step = max(niceStep((hi - lo) / Double(max(target, 1))), minimumStep)
        if widen {
            // The 1e-9 slack keeps 4.5 / 0.2 = 22.4999... from widening by a whole step.
            lo = (lo / step + 1e-9).rounded(.down) * step
            hi = (hi / step - 1e-9).rounded(.up) * step
        }
        var values: [Double] = []
        var k = (lo / step - 1e-9).rounded(.up)
        // The bound guards against ranges where k * step stops advancing (~1e300 wide).
        while k * step <= hi + step * 1e-9 && values.count < 1000 {
            // k * step, not repeated addition, so 0.1 * 3 prints as 0.3 and zero is exact.
            let v = k * step
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        return Ticks(domain: lo...hi, values: values, labels: values.map { format($0, step: step) })
    }

    /// Log-10 ticks: every decade, plus 2 and 5 when the range spans under two decades.
    /// Non-positive bounds are replaced by sensible positives; the domain is widened to decades.
    public static func log(_ lower: Double, _ upper: Double) -> Ticks {
        var lo = lower.isFinite && lower > 0 ? lower : 1e-3
        var hi = upper.isFinite && upper > 0 ? upper : max(lo * 10, 1)
        if lo > hi { swap(&lo, &hi) }
        let d0 = Foundation.log10(lo).rounded(.down)
        var d1 = Foundation.log10(hi).rounded(.up)
        if d1 <= d0 { d1 = d0 + 1 }
        let mantissas: [Double] = d1 - d0 < 2 ? [1, 2, 5] : [1]
        // At most about ten labelled decades.
        let stride = max(1, ((d1 - d0) / 10).rounded(.up))
        var values: [Double] = []
        var d = d0
        while d <= d1 {
            for m in mantissas {
                let v = m * pow(10, d)
                if v <= pow(10, d1) * (1 + 1e-9) { values.append(v) }
            }
            d += stride
        }
        return Ticks(domain: pow(10, d0)...pow(10, d1), values: values,
                     labels: values.map { formatLog($0) })
    }

    /// The smallest of 1, 2, 5, 10 times a power of ten that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, Foundation.log10(raw).rounded(.down))
        // The slack absorbs rounding: 0.02 / 0.01 is 2.0000000000000004, which is still "2".
        let normalized = raw / magnitude * (1 - 1e-9)
        let nice: Double = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Finite, ordered, non-empty range: constants get a margin of 10% (or 1 around 0).
    /// Bounds are clamped to +-1e300 so that their difference stays finite.
    static func sanitized(_ lower: Double, _ upper: Double) -> (Double, Double) {
        var lo = lower.isFinite ? min(max(lower, -1e300), 1e300) : 0
        var hi = upper.isFinite ? min(max(upper, -1e300), 1e300) : lo + 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo <= max(abs(lo), abs(hi)) * 1e-12 {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            return (lo - pad, hi + pad)
        }
        return (lo, hi)
    }

    /// A tick label with just enough decimals for `step`; scientific (`2e-5`) for very
    /// small or very large magnitudes, as learning rates are.
    static func format(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude < 1e-3 || magnitude >= 1e6 {
            let exponent = Int(Foundation.log10(magnitude).rounded(.down))
            let mantissa = value / pow(10, Double(exponent))
            let stepMantissa = step / pow(10, Double(exponent))
            let decimals = max(0, min(3, -Int(Foundation.log10(stepMantissa).rounded(.down))))
            return String(format: "%.\(decimals)fe%d", mantissa, exponent)
        }
        let decimals = max(0, min(6, -Int(Foundation.log10(step).rounded(.down))))
        return String(format: "%.\(decimals)f", value)
    }

    static func formatLog(_ value: Double) -> String {
        let exponent = Int(Foundation.log10(value).rounded(.down))
        if exponent >= -3 && exponent <= 5 {
            return format(value, step: pow(10, Double(min(exponent, 0))))
        }
        let mantissa = (value / pow(10, Double(exponent))).rounded()
        return mantissa == 1 ? "1e\(exponent)" : String(format: "%.0fe%d", mantissa, exponent)
    }
}
