/// A laid-out figure: its size in CSS pixels and what to draw, back to front.
public struct DisplayList: Equatable, Sendable {
    public var width: Double
    public var height: Double
    public var background: Color
    public var primitives: [Primitive]
    /// Accessible description (SVG `<title>`).
    public var altText: String? = nil
}
