/// Marks placed in data coordinates on top of the series.
public enum Annotation: Sendable {
    /// A dashed vertical line at `x` with an optional label at its top.
    case verticalLine(x: Double, label: String?, color: Color)
    /// A dashed horizontal line at `y` with an optional label at its right end.
    case horizontalLine(y: Double, label: String?, color: Color)
    /// Text whose baseline starts at (x, y).
    case text(String, x: Double, y: Double)
}
