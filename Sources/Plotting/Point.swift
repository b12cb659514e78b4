/// A point in figure coordinates: CSS pixels, origin top-left, y down (as in SVG).
public struct Point: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}
