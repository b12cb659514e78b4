/// Everything around the data: grid, axis lines, ticks, labels, annotations.
extension AxesLayout {
    func gridLines(_ r: Resolved) -> [Primitive] {
        guard axes.grid else { return [] }
        var out: [Primitive] = []
        let stroke = Stroke(.gridGray, width: Style.gridLineWidth)
        if !r.xPlan.categorical {
            for v in r.xPlan.tickValues {
                guard let x = r.xScale.map(v) else { continue }
                out.append(.polyline([Point(x, r.plot.minY), Point(x, r.plot.maxY)], stroke: stroke))
            }
        }
        if !r.yPlan.categorical {
            for v in r.yPlan.tickValues {
                guard let y = r.yScale.map(v) else { continue }
                out.append(.polyline([Point(r.plot.minX, y), Point(r.plot.maxX, y)], stroke: stroke))
            }
        }
        return out
    }

    /// Left and bottom axis lines with outward ticks; heatmaps get ticks only.
    func axisLines(_ r: Resolved) -> [Primitive] {
        let stroke = Stroke(.ink, width: Style.axisLineWidth)
        var out: [Primitive] = []
        if heatmap == nil {
            out.append(.polyline([Point(r.plot.minX, r.plot.minY), Point(r.plot.minX, r.plot.maxY),
                                  Point(r.plot.maxX, r.plot.maxY)], stroke: stroke))
        }
        for (k, v) in r.xPlan.tickValues.enumerated() where k % r.xTickEvery == 0 {
            guard let x = r.xScale.map(v) else { continue }
            out.append(.polyline([Point(x, r.plot.maxY), Point(x, r.plot.maxY + Style.tickLength)], stroke: stroke))
        }
        for (k, v) in r.yPlan.tickValues.enumerated() where k % r.yTickEvery == 0 {
            guard let y = r.yScale.map(v) else { continue }
            out.append(.polyline([Point(r.plot.minX - Style.tickLength, y), Point(r.plot.minX, y)], stroke: stroke))
        }
        return out
    }

    func tickLabels(_ r: Resolved, xAxis: Axis, yAxis: Axis) -> [Primitive] {
        var out: [Primitive] = []
        let metrics = FontMetrics.dejaVuSans
        if xAxis.showTickLabels {
            let maxWidth = Self.maxRotatedLabelWidth(frame)
            for (k, (v, label)) in zip(r.xPlan.tickValues, r.xPlan.tickLabels).enumerated() where k % r.xTickEvery == 0 {
                guard let x = r.xScale.map(v) else { continue }
                if r.xRotated {
                    // Reads bottom to top, ending at the tick; centred on it by half the cap height.
                    let text = Self.fit(label, width: maxWidth, size: r.xTickSize)
                    out.append(.text(TextRun(text, at: Point(x + metrics.capHeight(size: r.xTickSize) / 2,
                                                             r.plot.maxY + Style.tickLength + 3),
                                             size: r.xTickSize, anchor: .end, rotation: -90)))
                } else {
                    out.append(.text(TextRun(label, at: Point(x, r.plot.maxY + Style.tickLength + 3 + metrics.capHeight(size: r.xTickSize) + 1),
                                             size: r.xTickSize, anchor: .middle)))
                }
            }
        }
        if yAxis.showTickLabels {
            let maxWidth = frame.width * 0.3
            for (k, (v, label)) in zip(r.yPlan.tickValues, r.yPlan.tickLabels).enumerated() where k % r.yTickEvery == 0 {
                guard let y = r.yScale.map(v) else { continue }
                let text = Self.fit(label, width: maxWidth, size: r.yTickSize)
                out.append(.text(TextRun(text, at: Point(r.plot.minX - Style.tickLength - 3,
                                                         y + metrics.capHeight(size: r.yTickSize) / 2),
                                         size: r.yTickSize, anchor: .end)))
            }
        }
        return out
    }

    func axisTitles(_ r: Resolved, xAxis: Axis, yAxis: Axis) -> [Primitive] {
        var out: [Primitive] = []
        if let label = xAxis.label {
            out.append(.text(TextRun(Self.fit(label, width: r.plot.width, size: Style.axisLabelSize),
                                     at: Point(r.plot.midX, frame.maxY - 5),
                                     size: Style.axisLabelSize, anchor: .middle)))
        }
        if let label = yAxis.label {
            // Rotated -90: the glyphs' tops face left, so the baseline sits one ascent in.
            out.append(.text(TextRun(Self.fit(label, width: r.plot.height, size: Style.axisLabelSize),
                                     at: Point(frame.minX + 4 + Style.axisLabelSize * 0.93, r.plot.midY),
                                     size: Style.axisLabelSize, anchor: .middle, rotation: -90)))
        }
        return out
    }

    /// Dashed marker lines (clipped to the plot) and their labels on a translucent
    /// white box so they stay readable over bars.
    func annotationPrimitives(_ r: Resolved) -> [Primitive] {
        var lines: [Primitive] = []
        var labels: [Primitive] = []
        let size = Style.annotationSize
        let metrics = FontMetrics.dejaVuSans
        func boxedLabel(_ text: String, at p: Point, anchor: TextAnchor) {
            let fitted = Self.fit(text, width: r.plot.width - 8, size: size)
            let w = metrics.width(fitted, size: size)
            let x0 = anchor == .start ? p.x : anchor == .end ? p.x - w : p.x - w / 2
            labels.append(.rect(Rect(x: x0 - 3, y: p.y - size, width: w + 6, height: size + 5),
                                fill: Color.white.withAlpha(0.85), stroke: nil))
            labels.append(.text(TextRun(fitted, at: p, size: size, anchor: anchor)))
        }
        guard r.hasData else { return [] }
        for annotation in axes.annotations {
            switch annotation {
            case .verticalLine(let xv, let label, let color):
                guard let x = r.xScale.map(xv) else { continue }
                lines.append(.polyline([Point(x, r.plot.minY), Point(x, r.plot.maxY)],
                                       stroke: Stroke(color, width: 1.5, dash: Style.markerDash)))
                if let label {
                    let w = metrics.width(label, size: size)
                    let fitsRight = x + 6 + w <= r.plot.maxX
                    boxedLabel(label, at: Point(fitsRight ? x + 6 : x - 6, r.plot.minY + size + 4),
                               anchor: fitsRight ? .start : .end)
                }
            case .horizontalLine(let yv, let label, let color):
                guard let y = r.yScale.map(yv) else { continue }
                lines.append(.polyline([Point(r.plot.minX, y), Point(r.plot.maxX, y)],
                                       stroke: Stroke(color, width: 1.5, dash: Style.markerDash)))
                if let label { boxedLabel(label, at: Point(r.plot.maxX - 4, y - 4), anchor: .end) }
            case .text(let text, let xv, let yv):
                guard let x = r.xScale.map(xv), let y = r.yScale.map(yv) else { continue }
                labels.append(.text(TextRun(text, at: Point(x, y), size: size)))
            }
        }
        return [.clipped(r.plot, lines)] + labels
    }
}
