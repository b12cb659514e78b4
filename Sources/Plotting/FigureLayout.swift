/// Lays out a figure: title on top, the panels in a grid, an optional shared colour bar
/// on the right.
struct FigureLayout {
    let figure: Figure

    func displayList() -> DisplayList {
        var out: [Primitive] = []
        var content = Rect(x: 0, y: 0, width: figure.width, height: figure.height)
            .inset(left: Style.padding, top: Style.padding, right: Style.padding, bottom: Style.padding)
        if let title = figure.title {
            let fitted = AxesLayout.fit(title, width: content.width, size: Style.figureTitleSize, weight: .bold)
            out.append(.text(TextRun(fitted, at: Point(figure.width / 2, content.minY + Style.figureTitleSize),
                                     size: Style.figureTitleSize, weight: .bold, anchor: .middle)))
            content = content.inset(top: Style.figureTitleSize + 10)
        }
        if let bar = figure.colorBar {
            let w = ColorBarLayout.width(domain: bar.domain, label: bar.label)
            let barRect = Rect(x: content.maxX - w + 10, y: content.minY + 30, width: Style.colorBarWidth,
                               height: max(content.height - 80, 10))
            out += ColorBarLayout.primitives(bar: barRect, domain: bar.domain, ramp: bar.ramp, label: bar.label)
            content = content.inset(right: w)
        }
        if figure.panels.isEmpty {
            out.append(.text(TextRun("no data", at: Point(content.midX, content.midY), size: Style.noteSize,
                                     anchor: .middle, color: .noteGray)))
        }
        let columns = min(figure.columns, max(figure.panels.count, 1))
        let rows = (figure.panels.count + columns - 1) / columns
        let gap = 10.0
        let cellWidth = (content.width - gap * Double(columns - 1)) / Double(columns)
        let cellHeight = rows == 0 ? 0 : (content.height - gap * Double(rows - 1)) / Double(rows)
        for (i, panel) in figure.panels.enumerated() {
            let cell = Rect(x: content.minX + Double(i % columns) * (cellWidth + gap),
                            y: content.minY + Double(i / columns) * (cellHeight + gap),
                            width: cellWidth, height: cellHeight)
            out += AxesLayout(axes: panel, frame: cell).primitives()
        }
        return DisplayList(width: figure.width, height: figure.height, background: figure.background, primitives: out,
                           altText: figure.altText)
    }
}
