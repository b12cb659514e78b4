/// How text is placed relative to its anchor point (SVG `text-anchor`).
public enum TextAnchor: String, Sendable {
    case start
    case middle
    case end
}

/// One piece of text. `position` is on the baseline; `rotation` is in degrees,
/// clockwise (SVG `rotate`), about `position`.
public struct TextRun: Equatable, Sendable {
    public var text: String
    public var position: Point
    public var size: Double
    public var weight: FontWeight
    public var anchor: TextAnchor
    public var rotation: Double
    public var color: Color

    public init(_ text: String, at position: Point, size: Double, weight: FontWeight = .regular,
                anchor: TextAnchor = .start, rotation: Double = 0, color: Color = .ink) {
        self.text = text
        self.position = position
        self.size = size
        self.weight = weight
        self.anchor = anchor
        self.rotation = rotation
        self.color = color
    }

    /// Unrotated width from the layout font tables.
    var width: Double { FontMetrics.forWeight(weight).width(text, size: size) }
}

/// A stroke: colour, width in CSS pixels, optional dash pattern (on, off, ...).
public struct Stroke: Equatable, Sendable {
    public var color: Color
    public var width: Double
    public var dash: [Double]

    public init(_ color: Color, width: Double = 1, dash: [Double] = []) {
        self.color = color
        self.width = width
        self.dash = dash
    }
}

/// What both backends draw. Figures are laid out once into a list of these; the SVG
/// writer and the rasteriser each translate them one to one, so the two outputs agree.
public enum Primitive: Equatable, Sendable {
    /// Filled and/or stroked rectangle.
    case rect(Rect, fill: Color?, stroke: Stroke?)
    /// Open polyline, stroked with round joins and caps.
    case polyline([Point], stroke: Stroke)
    /// Closed filled polygon.
    case polygon([Point], fill: Color)
    /// Filled and/or stroked circle (scatter markers).
    case circle(center: Point, radius: Double, fill: Color?, stroke: Stroke?)
    case text(TextRun)
    /// Primitives clipped to a rectangle (data inside a plot area).
    case clipped(Rect, [Primitive])
}

/// A laid-out figure: its size in CSS pixels and what to draw, back to front.
public struct DisplayList: Equatable, Sendable {
    public var width: Double
    public var height: Double
    public var background: Color
    public var primitives: [Primitive]
}
