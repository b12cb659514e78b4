import Foundation

/// Lays out one panel (`Axes`) inside `frame`: margins sized from the real label widths,
/// then grid, series (clipped to the plot area), axes, ticks, labels, annotations, legend.
struct AxesLayout {
    let axes: Axes
    let frame: Rect

    /// Resolved state shared by the drawing helpers in the `AxesLayout+...` files.
    struct Resolved {
        var plot: Rect
        var xPlan: AxisPlan
        var yPlan: AxisPlan
        var xScale: Scale
        var yScale: Scale
        var xTickSize: Double
        var xTickEvery: Int
        var xRotated: Bool
        var yTickSize: Double
        var yTickEvery: Int
        var colors: [Color]
        var hasData: Bool
    }

    func primitives() -> [Primitive] {
        let extent = DataExtent.of(axes)
        var xAxis = axes.x, yAxis = axes.y
        if let heat = heatmap {
            if xAxis.categories == nil { xAxis.categories = (0..<heat.columns).map { String($0) } }
            if yAxis.categories == nil { yAxis.categories = (0..<heat.rows).map { String($0) } }
        }
        if xAxis.categories == nil, let count = barCategoryCount {
            xAxis.categories = (0..<count).map { String($0) }
        }
        let xPlan = AxisPlan.resolve(xAxis, extent: extent.x)
        let yPlan = AxisPlan.resolve(yAxis, extent: extent.y)
        let colors = seriesColors()
        // A legend for an empty chart would promise lines that are not there.
        let entries = extent.hasData ? legendEntries(colors: colors) : []

        // Vertical budget above the plot: title, legend rows.
        var top = 6.0
        if axes.title != nil { top += Style.panelTitleSize + 8 }
        let legendRows = LegendLayout.rows(entries, width: max(frame.width - 80, 60))
        top += Double(legendRows.count) * Style.legendRowHeight

        // Categorical y labels shrink to fit their rows; estimate the plot height first.
        let estimatedHeight = max(frame.height - top - 50, 10)
        let (yTickSize, yTickEvery) = yPlan.categorical
            ? Self.categoricalFont(slot: estimatedHeight / Double(max(yPlan.tickValues.count, 1)))
            : (Style.tickLabelSize, 1)

        var left = 6.0
        if yAxis.label != nil { left += Style.axisLabelSize + 8 }
        if yAxis.showTickLabels {
            let widest = yPlan.tickLabels.map { FontMetrics.dejaVuSans.width($0, size: yTickSize) }.max() ?? 0
            left += min(widest, frame.width * 0.3) + Style.tickLength + 4
        } else {
            left += Style.tickLength
        }
        var right = 10.0
        if let heat = heatmap, heat.colorBar {
            right = ColorBarLayout.width(domain: heat.resolvedDomain, label: heat.colorBarLabel) + 6
        } else if !xPlan.categorical, xAxis.showTickLabels, let last = xPlan.tickLabels.last {
            right = max(right, FontMetrics.dejaVuSans.width(last, size: Style.tickLabelSize) / 2 + 4)
        }
        let plotWidth = max(frame.width - left - right, 10)

        var xTickSize = Style.tickLabelSize, xTickEvery = 1, xRotated = false
        if xPlan.categorical {
            let slot = plotWidth / Double(max(xPlan.tickValues.count, 1))
            let widest = xPlan.tickLabels.map { FontMetrics.dejaVuSans.width($0, size: Style.tickLabelSize) }.max() ?? 0
            if widest > slot - 4 {
                xRotated = true
                (xTickSize, xTickEvery) = Self.categoricalFont(slot: slot)
            }
        }
        var bottom = 4.0
        if xAxis.showTickLabels {
            if xRotated {
                let widest = xPlan.tickLabels.map { FontMetrics.dejaVuSans.width($0, size: xTickSize) }.max() ?? 0
                bottom += min(widest, Self.maxRotatedLabelWidth(frame)) + Style.tickLength + 6
            } else {
                bottom += xTickSize + Style.tickLength + 6
            }
        } else {
            bottom += Style.tickLength
        }
        if xAxis.label != nil { bottom += Style.axisLabelSize + 8 }

        let plot = Rect(x: frame.minX + left, y: frame.minY + top, width: plotWidth,
                        height: max(frame.height - top - bottom, 10))
        let xScale = Scale(kind: xPlan.scale, domain: xPlan.domain, range: (plot.minX, plot.maxX))
        let yScale = yPlan.categorical
            ? Scale(kind: .linear, domain: yPlan.domain, range: (plot.minY, plot.maxY))
            : Scale(kind: yPlan.scale, domain: yPlan.domain, range: (plot.maxY, plot.minY))
        let r = Resolved(plot: plot, xPlan: xPlan, yPlan: yPlan, xScale: xScale, yScale: yScale,
                         xTickSize: xTickSize, xTickEvery: xTickEvery, xRotated: xRotated,
                         yTickSize: yTickSize, yTickEvery: yTickEvery, colors: colors,
                         hasData: extent.hasData)

        var out: [Primitive] = []
        out += gridLines(r)
        let (data, markers) = seriesPrimitives(r)
        // Lines at the very top or bottom of the range keep their full stroke width; values
        // beyond explicit limits are still cut off. Heatmap cells are clipped exactly.
        let slack = heatmap == nil ? 3.0 : 0
        out.append(.clipped(plot.inset(left: -slack, top: -slack, right: -slack, bottom: -slack), data))
        out += cellLabels(r)
        out += barValueLabels(r)
        out += axisLines(r)
        out += markers
        out += tickLabels(r, xAxis: xAxis, yAxis: yAxis)
        out += axisTitles(r, xAxis: xAxis, yAxis: yAxis)
        out += annotationPrimitives(r)
        if let title = axes.title {
            out.append(.text(TextRun(Self.fit(title, width: frame.width, size: Style.panelTitleSize, weight: .bold),
                                     at: Point(plot.midX, frame.minY + Style.panelTitleSize + 2),
                                     size: Style.panelTitleSize, weight: .bold, anchor: .middle)))
        }
        out += LegendLayout.primitives(legendRows, origin: Point(plot.minX, plot.minY - Double(legendRows.count) * Style.legendRowHeight))
        if let heat = heatmap, heat.colorBar {
            let bar = Rect(x: plot.maxX + 10, y: plot.minY, width: Style.colorBarWidth, height: plot.height)
            out += ColorBarLayout.primitives(bar: bar, domain: heat.resolvedDomain, ramp: heat.ramp,
                                             label: heat.colorBarLabel)
        }
        if !extent.hasData {
            out.append(.text(TextRun(axes.emptyNote, at: Point(plot.midX, plot.midY + Style.noteSize * 0.35),
                                     size: Style.noteSize, anchor: .middle, color: .noteGray)))
        }
        return out
    }

    var heatmap: Heatmap? {
        for case .heatmap(let h) in axes.series { return h }
        return nil
    }

    /// The number of categories implied by bar series, if there are any.
    var barCategoryCount: Int? {
        let counts = axes.series.compactMap { s -> Int? in
            if case .bars(let b) = s { return b.values.count }
            return nil
        }
        return counts.max()
    }

    /// Explicit colours, else the palette in order of the series that need one.
    func seriesColors() -> [Color] {
        var next = 0
        return axes.series.map { s in
            let explicit: Color?
            switch s {
            case .line(let l): explicit = l.color
            case .scatter(let p): explicit = p.color
            case .bars(let b): explicit = b.color
            case .histogram(let h): explicit = h.color
            case .heatmap: explicit = .black
            }
            if let explicit { return explicit }
            defer { next += 1 }
            return Palette.category(next)
        }
    }

    func legendEntries(colors: [Color]) -> [LegendLayout.Entry] {
        guard axes.legend else { return [] }
        var entries: [LegendLayout.Entry] = []
        for (s, color) in zip(axes.series, colors) {
            guard let name = s.name else { continue }
            switch s {
            case .line(let l):
                entries.append(.init(name: name, color: color.withAlpha(max(l.opacity, 0.6)),
                                     symbol: l.markers ? .lineWithMarker : .line, dash: l.dash))
            case .scatter: entries.append(.init(name: name, color: color, symbol: .marker))
            case .bars, .histogram: entries.append(.init(name: name, color: color, symbol: .box))
            case .heatmap: break
            }
        }
        return entries
    }

    /// Font size and label stride for categorical labels in slots of `slot` pixels.
    static func categoricalFont(slot: Double) -> (Double, Int) {
        let size = min(Style.tickLabelSize, max(7, slot * 0.85))
        let every = slot >= size * 0.95 ? 1 : Int((size * 1.05 / slot).rounded(.up))
        return (size, every)
    }

    static func maxRotatedLabelWidth(_ frame: Rect) -> Double { max(frame.height * 0.3, 30) }

    /// `text` shortened with an ellipsis to at most `width` pixels.
    static func fit(_ text: String, width: Double, size: Double, weight: FontWeight = .regular) -> String {
        let metrics = FontMetrics.forWeight(weight)
        if metrics.width(text, size: size) <= width { return text }
        var scalars = Array(text.unicodeScalars)
        while !scalars.isEmpty {
            scalars.removeLast()
            var candidate = String.UnicodeScalarView()
            candidate.append(contentsOf: scalars)
            let s = String(candidate) + "\u{2026}"
            if metrics.width(s, size: size) <= width { return s }
        }
        return "\u{2026}"
    }
}
