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
