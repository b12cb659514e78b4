/// Unconnected points drawn as filled circles with a white rim (readable over lines).
public struct ScatterSeries: Sendable {
    public var name: String?
    public var x: [Double]
    public var y: [Double]
    public var color: Color?
    /// Marker radius in CSS pixels.
    public var radius: Double

    public init(name: String? = nil, x: [Double], y: [Double], color: Color? = nil, radius: Double = 4) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.radius = radius
    }
}
