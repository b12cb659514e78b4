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
