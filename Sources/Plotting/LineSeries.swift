/// A line through (x, y) points in order; non-finite points break the line into pieces.
///
///     LineSeries(name: "train", x: [1, 2, 3], y: [0.9, 0.6, 0.5], markers: true)
public struct LineSeries: Sendable {
    public var name: String?
    public var x: [Double]
    public var y: [Double]
    /// nil: the next palette colour.
    public var color: Color?
    public var width: Double
    public var opacity: Double
    public var dash: [Double]
    /// Draw a small circle at every point.
    public var markers: Bool

    public init(name: String? = nil, x: [Double], y: [Double], color: Color? = nil, width: Double = 2,
                opacity: Double = 1, dash: [Double] = [], markers: Bool = false) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.width = width
        self.opacity = opacity
        self.dash = dash
        self.markers = markers
    }
}
