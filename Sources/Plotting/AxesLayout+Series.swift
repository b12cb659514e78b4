/// Drawing the data: lines, points, bars, histogram bins, heatmap cells.
extension AxesLayout {
    /// Lines, bars and cells are clipped to the plot area; point markers are not (a point
    /// on the edge of the range would otherwise show only half a dot).
    /// - returns: (clipped, markers)
    func seriesPrimitives(_ r: Resolved) -> ([Primitive], [Primitive]) {
        var out: [Primitive] = []
        var markers: [Primitive] = []
        let inside = r.plot.inset(left: -0.5, top: -0.5, right: -0.5, bottom: -0.5)
        func marker(_ p: Point, radius: Double, color: Color, rim: Color = .white, rimWidth: Double = 1, title: String? = nil) {
            guard p.x >= inside.minX, p.x <= inside.maxX, p.y >= inside.minY, p.y <= inside.maxY else { return }
            let circle = Primitive.circle(center: p, radius: radius, fill: color, stroke: Stroke(rim, width: rimWidth))
            markers.append(title.map { .titled($0, [circle]) } ?? circle)
        }
        let barSeriesCount = axes.series.filter { if case .bars = $0 { return true } else { return false } }.count
        var barIndex = 0
        for (series, color) in zip(axes.series, r.colors) {
            switch series {
            case .line(let s):
                out += line(s, color: color, r)
                if s.markers {
                    for (x, y) in zip(s.x, s.y) {
                        guard let px = r.xScale.map(x), let py = r.yScale.map(y) else { continue }
                        marker(Point(px, py), radius: s.width + 1.5, color: color.withAlpha(s.opacity))
                    }
                }
            case .scatter(let s):
                for (i, (x, y)) in zip(s.x, s.y).enumerated() {
                    guard let px = r.xScale.map(x), let py = r.yScale.map(y) else { continue }
                    let title = s.titles.flatMap { i < $0.count ? $0[i] : nil }
                    marker(Point(px, py), radius: s.radius, color: color, rim: s.rim, rimWidth: s.rim == .white ? 1 : 2,
                           title: title)
                }
            case .bars(let s):
                out += bars(s, color: color, index: barIndex, count: barSeriesCount, r)
                barIndex += 1
            case .histogram(let h):
                out += histogram(h, color: color, r)
            case .heatmap(let m):
                out += cells(m, r)
            }
        }
        return (out, markers)
    }

    /// Runs of consecutive placeable points become polylines; a lone point becomes a dot,
    /// so a single value (or one between NaNs) is still visible.
    func line(_ s: LineSeries, color: Color, _ r: Resolved) -> [Primitive] {
        let c = color.withAlpha(s.opacity)
        var runs: [[Point]] = [[]]
        for (x, y) in zip(s.x, s.y) {
            if let px = r.xScale.map(x), let py = r.yScale.map(y) {
                runs[runs.count - 1].append(Point(px, py))
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        var out: [Primitive] = []
        for run in runs where !run.isEmpty {
            if run.count == 1 {
                out.append(.circle(center: run[0], radius: max(s.width * 1.5, 3.5), fill: c, stroke: nil))
            } else {
                let thinned = run.count > Int(r.plot.width) * 2 ? LineDecimation.decimate(run) : run
                out.append(.polyline(thinned, stroke: Stroke(c, width: s.width, dash: s.dash)))
            }
        }
        return out
    }

    /// Bar `index` of `count` within each category slot; bars grow from zero (or from the
    /// bottom of the axis when zero is outside it).
    func bars(_ s: BarSeries, color: Color, index: Int, count: Int, _ r: Resolved) -> [Primitive] {
        let slot = r.plot.width / Double(max(r.xPlan.tickValues.count, 1))
        let group = slot * 0.8
        let width = group / Double(max(count, 1))
        let gap = width > 6 ? 1.0 : 0
        let base = r.yScale.map(min(max(0, r.yPlan.domain.lowerBound), r.yPlan.domain.upperBound)) ?? r.plot.maxY
        var out: [Primitive] = []
        for (i, v) in s.values.enumerated() {
            guard let cx = r.xScale.map(Double(i)), let top = r.yScale.map(v) else { continue }
            let x0 = cx - group / 2 + Double(index) * width + gap
            out.append(.rect(Rect(x: x0, y: min(top, base), width: max(width - 2 * gap, 0.5),
                                  height: abs(base - top)), fill: color, stroke: nil))
        }
        return out
    }

    func histogram(_ h: Histogram, color: Color, _ r: Resolved) -> [Primitive] {
        let base = r.yScale.map(0) ?? r.plot.maxY
        var out: [Primitive] = []
        for bin in h.bins where bin.count > 0 {
            guard let x0 = r.xScale.map(bin.lower), let x1 = r.xScale.map(bin.upper),
                  let top = r.yScale.map(Double(bin.count)) else { continue }
            let thin = x1 - x0 < 4
            out.append(.rect(Rect(x: x0, y: top, width: x1 - x0, height: base - top), fill: color,
                             stroke: thin ? nil : Stroke(.white, width: 0.75)))
        }
        return out
    }

    /// Heatmap cells; non-finite values are grey.
    func cells(_ m: Heatmap, _ r: Resolved) -> [Primitive] {
        let rows = max(m.rows, 1), columns = max(m.columns, 1)
        let domain = m.resolvedDomain
        var colors = [Color?](repeating: nil, count: rows * columns)
        for (i, row) in m.values.enumerated() {
            for (j, v) in row.enumerated() {
                colors[i * columns + j] = v.isFinite
                    ? m.ramp.color((v - domain.lowerBound) / (domain.upperBound - domain.lowerBound))
                    : Color(hex: 0xBBBBBB)
            }
        }
        return [.cells(CellGrid(frame: r.plot, rows: rows, columns: columns, colors: colors))]
    }

    /// Text in heatmap cells, black or white for contrast, sized to fit; omitted when
    /// cells are too small to hold readable text.
    func cellLabels(_ r: Resolved) -> [Primitive] {
        guard let m = heatmap, let labels = m.cellLabels else { return [] }
        let rows = max(m.rows, 1), columns = max(m.columns, 1)
        let w = r.plot.width / Double(columns), h = r.plot.height / Double(rows)
        let widest = labels.joined().map { FontMetrics.dejaVuSans.width($0, size: 1) }.max() ?? 0
        var size = min(Style.tickLabelSize + 1, h * 0.5)
        if widest > 0 { size = min(size, (w - 4) / widest) }
        guard size >= 6 else { return [] }
        let domain = m.resolvedDomain
        var out: [Primitive] = []
        for (i, row) in labels.enumerated() where i < m.values.count {
            for (j, text) in row.enumerated() where j < m.values[i].count {
                let v = m.values[i][j]
                let fill = v.isFinite
                    ? m.ramp.color((v - domain.lowerBound) / (domain.upperBound - domain.lowerBound))
                    : Color(hex: 0xBBBBBB)
                let center = Point(r.plot.minX + (Double(j) + 0.5) * w,
                                   r.plot.minY + (Double(i) + 0.5) * h + FontMetrics.dejaVuSans.capHeight(size: size) / 2)
                out.append(.text(TextRun(text, at: center, size: size, anchor: .middle, color: fill.contrastingText)))
            }
        }
        return out
    }

    /// Values printed above bars for series that ask for it.
    func barValueLabels(_ r: Resolved) -> [Primitive] {
        let barSeries = axes.series.compactMap { s -> BarSeries? in
            if case .bars(let b) = s { return b }
            return nil
        }
        let slot = r.plot.width / Double(max(r.xPlan.tickValues.count, 1))
        let group = slot * 0.8
        let width = group / Double(max(barSeries.count, 1))
        var out: [Primitive] = []
        for (index, s) in barSeries.enumerated() where s.valueLabels {
            for (i, v) in s.values.enumerated() {
                guard let cx = r.xScale.map(Double(i)), let top = r.yScale.map(v) else { continue }
                let text = s.labels.flatMap { i < $0.count ? $0[i] : nil }
                    ?? (v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : Ticks.format(v, step: abs(v) / 100))
                let size = min(10, max(7, width * 0.9 / max(FontMetrics.dejaVuSans.width(text, size: 1), 0.1)))
                out.append(.text(TextRun(text, at: Point(cx - group / 2 + (Double(index) + 0.5) * width, top - 3),
                                         size: size, anchor: .middle, color: .ink)))
            }
        }
        return out
    }
}
