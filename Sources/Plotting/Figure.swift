import Foundation

/// A figure: a title over a grid of panels (small multiples), rendered to SVG or PNG.
///
///     let figure = Figure(title: "loss", panels: [axes])
///     let svg: String = figure.svg()
///     let png: Data = try figure.png(scale: 2)
public struct Figure: Sendable {
    /// Size in CSS pixels; the PNG is `scale` times larger.
    public var width: Double
    public var height: Double
    public var title: String?
    public var panels: [Axes]
    /// Panels per row; the rows follow.
    public var columns: Int
    public var colorBar: ColorBar?
    public var background: Color
    /// What the figure shows, in one sentence with its key numbers: the SVG's `<title>`
    /// (read by screen readers) and the `text/plain` fallback via `summary`.
    public var altText: String?

    public init(width: Double = 720, height: Double = 432, title: String? = nil, panels: [Axes],
                columns: Int = 1, colorBar: ColorBar? = nil, background: Color = .white) {
        self.width = width
        self.height = height
        self.title = title
        self.panels = panels
        self.columns = max(1, columns)
        self.colorBar = colorBar
        self.background = background
    }

    /// The figure laid out into drawing primitives.
    public func displayList() -> DisplayList {
        FigureLayout(figure: self).displayList()
    }

    /// Standalone SVG 1.1 text; byte-for-byte deterministic for the same figure.
    public func svg() -> String {
        SVGWriter.write(displayList())
    }

    /// A PNG of `scale` device pixels per CSS pixel (2 for sharp images on high-density screens).
    /// Throws `PlotError` when the font cannot be loaded or the encoder fails.
    public func png(scale: Double = 2) throws -> Data {
        let canvas = try Rasterizer.render(displayList(), scale: scale)
        return try PNGEncoder.encode(canvas)
    }

    /// A one-line description for `text/plain` outputs: `altText`, else the title and size.
    public var summary: String {
        if let altText { return altText }
        let name = title ?? panels.first?.title ?? "figure"
        return "<figure: \(name), \(Int(width))x\(Int(height)), \(panels.count) panel\(panels.count == 1 ? "" : "s")>"
    }
}
