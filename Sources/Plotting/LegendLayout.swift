/// The legend: one row (or more, wrapped) of swatches and names above the plot area,
/// where it can never hide data.
enum LegendLayout {
    struct Entry {
        enum Symbol {
            case line
            case lineWithMarker
            case marker
            case box
        }

        var name: String
        var color: Color
        var symbol: Symbol
        var dash: [Double] = []
    }

    static let swatchWidth = 18.0
    static let gap = 16.0

    static func entryWidth(_ e: Entry) -> Double {
        swatchWidth + 5 + FontMetrics.dejaVuSans.width(e.name, size: Style.legendSize)
    }

    /// Entries split into rows no wider than `width`.
    static func rows(_ entries: [Entry], width: Double) -> [[Entry]] {
        var rows: [[Entry]] = []
        var current: [Entry] = []
        var used = 0.0
        for e in entries {
            let w = entryWidth(e)
            if !current.isEmpty && used + gap + w > width {
                rows.append(current)
                current = []
                used = 0
            }
            used += (current.isEmpty ? 0 : gap) + w
            current.append(e)
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    /// Rows drawn from `origin` (top-left of the first row).
    static func primitives(_ rows: [[Entry]], origin: Point) -> [Primitive] {
        var out: [Primitive] = []
        for (k, row) in rows.enumerated() {
            var x = origin.x
            let mid = origin.y + Double(k) * Style.legendRowHeight + Style.legendRowHeight / 2
            for e in row {
                switch e.symbol {
                case .line, .lineWithMarker:
                    out.append(.polyline([Point(x, mid), Point(x + swatchWidth, mid)],
                                         stroke: Stroke(e.color, width: 2.5, dash: e.dash.isEmpty ? [] : [4, 2])))
                    if e.symbol == .lineWithMarker {
                        out.append(.circle(center: Point(x + swatchWidth / 2, mid), radius: 3.5, fill: e.color,
                                           stroke: Stroke(.white, width: 1)))
                    }
                case .marker:
                    out.append(.circle(center: Point(x + swatchWidth / 2, mid), radius: 4, fill: e.color,
                                       stroke: Stroke(.white, width: 1)))
                case .box:
                    out.append(.rect(Rect(x: x + (swatchWidth - Style.swatch) / 2, y: mid - Style.swatch / 2,
                                          width: Style.swatch, height: Style.swatch), fill: e.color, stroke: nil))
                }
                out.append(.text(TextRun(e.name, at: Point(x + swatchWidth + 5, mid + Style.legendSize * 0.36),
                                         size: Style.legendSize)))
                x += entryWidth(e) + gap
            }
        }
        return out
    }
}
