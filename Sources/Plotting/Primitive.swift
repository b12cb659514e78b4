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
    /// A heatmap body.
    case cells(CellGrid)
    /// Primitives clipped to a rectangle (data inside a plot area).
    case clipped(Rect, [Primitive])
    /// Primitives with a tooltip: an SVG `<g>` with a `<title>` (a browser shows it on hover);
    /// the PNG draws the primitives alone.
    case titled(String, [Primitive])
}
