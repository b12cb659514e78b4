/// The finite range of the data along x and y, and whether anything is drawable.
struct DataExtent {
    var x: ClosedRange<Double>?
    var y: ClosedRange<Double>?
    var hasData = false

    mutating func include(x value: Double, scale: ScaleKind) {
        guard value.isFinite, scale == .linear || value > 0 else { return }
        x = x.map { min($0.lowerBound, value)...max($0.upperBound, value) } ?? value...value
    }

    mutating func include(y value: Double, scale: ScaleKind) {
        guard value.isFinite, scale == .linear || value > 0 else { return }
        y = y.map { min($0.lowerBound, value)...max($0.upperBound, value) } ?? value...value
    }

    /// The extent of every series and annotation in `axes`.
    static func of(_ axes: Axes) -> DataExtent {
        var e = DataExtent()
        let xs = axes.x.scale, ys = axes.y.scale
        func points(_ x: [Double], _ y: [Double]) {
            for (a, b) in zip(x, y) where a.isFinite && b.isFinite
                && (xs == .linear || a > 0) && (ys == .linear || b > 0) {
                e.include(x: a, scale: xs)
                e.include(y: b, scale: ys)
                e.hasData = true
            }
        }
        for series in axes.series {
            switch series {
            case .line(let s): points(s.x, s.y)
            case .scatter(let s): points(s.x, s.y)
            case .bars(let s):
                for v in s.values where v.isFinite {
                    e.include(y: v, scale: ys)
                    e.hasData = true
                }
            case .histogram(let h):
                let bins = h.bins
                if let first = bins.first, let last = bins.last {
                    e.include(x: first.lower, scale: xs)
                    e.include(x: last.upper, scale: xs)
                    e.include(y: Double(bins.map(\.count).max() ?? 0), scale: ys)
                    e.include(y: 0, scale: ys)
                    e.hasData = true
                }
            case .heatmap(let m):
                if m.values.contains(where: { !$0.isEmpty }) { e.hasData = true }
            }
        }
        // Markers stay visible even beyond the data (maxLength longer than every text).
        // They count as drawable only alongside data, so an empty chart still says "no data".
        for annotation in axes.annotations {
            switch annotation {
            case .verticalLine(let x, _, _): if e.hasData { e.include(x: x, scale: xs) }
            case .horizontalLine(let y, _, _): if e.hasData { e.include(y: y, scale: ys) }
            case .text: break
            }
        }
        return e
    }
}
