/// An axis resolved against the data: its range, ticks and labels.
struct AxisPlan {
    var scale: ScaleKind
    var domain: ClosedRange<Double>
    var tickValues: [Double]
    var tickLabels: [String]
    /// Categorical: labels at 0, 1, 2, ...; no grid lines.
    var categorical: Bool

    /// Resolves `axis` for data spanning `extent` (nil: no finite data on this axis).
    static func resolve(_ axis: Axis, extent: ClosedRange<Double>?) -> AxisPlan {
        if let categories = axis.categories {
            let n = max(categories.count, 1)
            return AxisPlan(scale: .linear, domain: -0.5...(Double(n) - 0.5),
                            tickValues: categories.indices.map(Double.init), tickLabels: categories,
                            categorical: true)
        }
        var lo = extent?.lowerBound ?? 0
        var hi = extent?.upperBound ?? 1
        if axis.includeZero && axis.scale == .linear {
            lo = min(lo, 0)
            hi = max(hi, 0)
        }
        let widen = axis.limits == nil
        if let limits = axis.limits {
            lo = limits.lowerBound
            hi = limits.upperBound
        }
        let ticks: Ticks
        switch axis.scale {
        case .linear:
            ticks = Ticks.linear(lo, hi, widen: widen, minimumStep: axis.integerTicks ? 1 : 0)
        case .log:
            ticks = Ticks.log(lo, hi)
        }
        var domain = ticks.domain
        if !widen, axis.scale == .linear {
            let (a, b) = Ticks.sanitized(lo, hi)
            domain = a...b
        }
        let inside = zip(ticks.values, ticks.labels).filter {
            $0.0 >= domain.lowerBound - 1e-9 * abs(domain.upperBound - domain.lowerBound)
                && $0.0 <= domain.upperBound + 1e-9 * abs(domain.upperBound - domain.lowerBound)
        }
        return AxisPlan(scale: axis.scale, domain: domain, tickValues: inside.map(\.0),
                        tickLabels: inside.map(\.1), categorical: false)
    }
}
