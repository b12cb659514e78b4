/// Unconnected points drawn as filled circles with a white rim (readable over lines).
public struct ScatterSeries: Sendable {
    public var name: String?
    public var x: [Double]
    public var y: [Double]
    public var color: Color?
    /// Marker radius in CSS pixels.
    public var radius: Double
    /// One tooltip per point (the SVG's `<title>`, shown on hover); nil: none.
    public var titles: [String]?
    /// The rim of each marker: white by default; a dark rim marks points out (misclassified ones).
    public var rim: Color

    public init(name: String? = nil, x: [Double], y: [Double], color: Color? = nil, radius: Double = 4,
                titles: [String]? = nil, rim: Color = .white) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.radius = radius
        self.titles = titles
        self.rim = rim
    }
}
