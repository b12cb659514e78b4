/// A vertical colour scale: the ramp from `domain.lowerBound` (bottom) to `upperBound`
/// (top), with ticks and an optional rotated label on its right.
enum ColorBarLayout {
    /// Slices of the ramp; 64 steps look continuous at 2x and keep the SVG small.
    static let slices = 64

    static func ticks(_ domain: ClosedRange<Double>) -> Ticks {
        Ticks.linear(domain.lowerBound, domain.upperBound, target: 4, widen: false)
    }

    /// Horizontal space needed from the plot's right edge: gap, bar, ticks, labels, label.
    static func width(domain: ClosedRange<Double>, label: String?) -> Double {
        let widest = ticks(domain).labels.map { FontMetrics.dejaVuSans.width($0, size: Style.tickLabelSize) }.max() ?? 0
        return 10 + Style.colorBarWidth + Style.tickLength + 3 + widest + (label == nil ? 4 : Style.axisLabelSize + 12)
    }

    static func primitives(bar: Rect, domain: ClosedRange<Double>, ramp: Heatmap.Ramp, label: String?) -> [Primitive] {
        var out: [Primitive] = []
        let h = bar.height / Double(slices)
        for k in 0..<slices {
            let t = (Double(k) + 0.5) / Double(slices)
            // Each slice extends half a pixel upward under its upper neighbour: no seams.
            let y = bar.maxY - Double(k + 1) * h
            out.append(.rect(Rect(x: bar.minX, y: k == slices - 1 ? y : y - 0.5, width: bar.width,
                                  height: k == slices - 1 ? h : h + 0.5), fill: ramp.color(t), stroke: nil))
        }
        out.append(.rect(bar, fill: nil, stroke: Stroke(.ink, width: 0.75)))
        let scale = Scale(kind: .linear, domain: domain, range: (bar.maxY, bar.minY))
        let stroke = Stroke(.ink, width: Style.axisLineWidth)
        let t = ticks(domain)
        var widest = 0.0
        for (v, text) in zip(t.values, t.labels) {
            guard let y = scale.map(v) else { continue }
            out.append(.polyline([Point(bar.maxX, y), Point(bar.maxX + Style.tickLength, y)], stroke: stroke))
            out.append(.text(TextRun(text, at: Point(bar.maxX + Style.tickLength + 3,
                                                     y + FontMetrics.dejaVuSans.capHeight(size: Style.tickLabelSize) / 2),
                                     size: Style.tickLabelSize)))
            widest = max(widest, FontMetrics.dejaVuSans.width(text, size: Style.tickLabelSize))
        }
        if let label {
            out.append(.text(TextRun(label, at: Point(bar.maxX + Style.tickLength + 3 + widest + 6 + Style.axisLabelSize * 0.93,
                                                      bar.midY),
                                     size: Style.axisLabelSize, anchor: .middle, rotation: -90)))
        }
        return out
    }
}
