import Foundation

/// The product's charts, as plain functions of plain data (no model types), each
/// returning a `Figure` ready for `svg()` and `png(scale:)`.
///
///     let figure = Charts.loss(steps: [1, 2, 3], losses: [0.7, 0.5, 0.4], smoothing: 0.9,
///                              validation: [(step: 3, loss: 0.45)])
///
/// Bad values never throw: NaN and infinities are skipped, empty data draws the axes
/// with a "no data" note.
public enum Charts {
    /// The debiased exponential moving average used for smoothed training curves
    /// (TensorBoard's scalar smoothing): s_t = w s_{t-1} + (1 - w) v_t, divided by 1 - w^n
    /// so that the start is not pulled towards zero. Non-finite values give NaN and are
    /// not accumulated. `smoothing` w is clamped to 0...0.999.
    public static func exponentialMovingAverage(_ values: [Double], smoothing: Double) -> [Double] {
        let w = smoothing.isFinite ? min(max(smoothing, 0), 0.999) : 0
        var last = 0.0
        var weight = 1.0
        var out: [Double] = []
        out.reserveCapacity(values.count)
        for v in values {
            guard v.isFinite else {
                out.append(.nan)
                continue
            }
            last = last * w + (1 - w) * v
            weight *= w
            out.append(last / (1 - weight))
        }
        return out
    }

    /// Four significant digits, for descriptions.
    static func number(_ v: Double) -> String {
        String(format: "%.4g", v)
    }

    /// The last finite value, if any.
    static func lastFinite(_ values: [Double]) -> Double? {
        values.last { $0.isFinite }
    }

    /// "12.3%" with one decimal.
    static func percent(_ share: Double) -> String {
        String(format: "%.1f%%", share * 100)
    }

    /// Figure side for n categorical rows or columns: readable cells, bounded size.
    static func side(forCategories n: Int, base: Double, perItem: Double, maximum: Double) -> Double {
        min(maximum, max(base, 200 + perItem * Double(n)))
    }
}
