/// A rows x columns grid of coloured cells filling `frame` (a heatmap's body).
///
/// A primitive of its own so that each backend can pick its form: the rasteriser fills
/// rectangles; the SVG writer writes small grids as rectangles and large ones (attention
/// over 100+ tokens: 10,000+ cells) as one embedded PNG, which keeps the SVG small.
public struct CellGrid: Equatable, Sendable {
    public var frame: Rect
    public var rows: Int
    public var columns: Int
    /// Row-major, rows * columns; nil: no cell (ragged input).
    public var colors: [Color?]

    var cellWidth: Double { frame.width / Double(max(columns, 1)) }
    var cellHeight: Double { frame.height / Double(max(rows, 1)) }

    /// Cell (i, j) as a rectangle overlapping its right and bottom neighbours by half a
    /// pixel, so anti-aliased edges leave no seams of background; the neighbour covers it.
    func cellRect(row i: Int, column j: Int) -> Rect {
        Rect(x: frame.minX + Double(j) * cellWidth, y: frame.minY + Double(i) * cellHeight,
             width: cellWidth + 0.5, height: cellHeight + 0.5)
    }
}
