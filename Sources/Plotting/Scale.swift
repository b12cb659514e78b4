import Foundation

/// Linear or logarithmic mapping from data values to figure coordinates.
public enum ScaleKind: Sendable {
    case linear
    case log
}

struct Scale {
    var kind: ScaleKind
    var domain: ClosedRange<Double>
    /// Figure coordinates of `domain.lowerBound` and `domain.upperBound` (may be decreasing, as y is).
    var range: (Double, Double)

    /// Figure coordinate of `value`, nil if it cannot be placed (NaN, infinite, or <= 0 on a log axis).
    func map(_ value: Double) -> Double? {
        guard value.isFinite, domain.upperBound > domain.lowerBound else { return nil }
        let t: Double
        switch kind {
        case .linear:
            t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log:
            guard value > 0 else { return nil }
            let l0 = log10(domain.lowerBound), l1 = log10(domain.upperBound)
            t = (log10(value) - l0) / (l1 - l0)
        }
        // Far-off points are pulled in to a million pixels: still off the canvas (and clipped),
        // but finite for the geometry that follows.
        return min(max(range.0 + t * (range.1 - range.0), -1e6), 1e6)
    }
}
