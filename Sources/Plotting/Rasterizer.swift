/// Display list -> pixels: every shape becomes polygons, each polygon set is turned into
/// an anti-aliased coverage mask and composited source-over; text goes through FreeType.
enum Rasterizer {
    static let maxSide = 16384

    static func render(_ list: DisplayList, scale: Double) throws -> Canvas {
        let s = scale.isFinite && scale > 0 ? scale : 1
        let w = Int((list.width * s).rounded()), h = Int((list.height * s).rounded())
        guard w > 0, h > 0, w <= maxSide, h <= maxSide else { throw PlotError.badSize(width: w, height: h) }
        var canvas = Canvas(width: w, height: h, background: list.background)
        let glyphs = try GlyphRenderer()
        let bounds = Rect(x: 0, y: 0, width: Double(w), height: Double(h))
        for p in list.primitives {
            try draw(p, scale: s, clip: bounds, glyphs: glyphs, into: &canvas)
        }
        return canvas
    }

    static func draw(_ p: Primitive, scale s: Double, clip: Rect, glyphs: GlyphRenderer, into canvas: inout Canvas) throws {
        func device(_ q: Point) -> Point { Point(q.x * s, q.y * s) }
        switch p {
        case .rect(let r, let fill, let stroke):
            let corners = [Point(r.minX, r.minY), Point(r.maxX, r.minY), Point(r.maxX, r.maxY), Point(r.minX, r.maxY)].map(device)
            if let fill { paint([corners], fill, clip: clip, into: &canvas) }
            if let stroke {
                let ring = corners + [corners[0]]
                paint(PathGeometry.stroke(ring, width: stroke.width * s, dash: stroke.dash.map { $0 * s }),
                      stroke.color, clip: clip, into: &canvas)
            }
        case .polyline(let points, let stroke):
            paint(PathGeometry.stroke(points.map(device), width: stroke.width * s, dash: stroke.dash.map { $0 * s }),
                  stroke.color, clip: clip, into: &canvas)
        case .polygon(let points, let fill):
            paint([points.map(device)], fill, clip: clip, into: &canvas)
        case .circle(let center, let radius, let fill, let stroke):
            let ring = PathGeometry.circle(device(center), radius: radius * s)
            if let fill { paint([ring], fill, clip: clip, into: &canvas) }
            if let stroke {
                paint(PathGeometry.stroke(ring + [ring[0]], width: stroke.width * s, dash: []), stroke.color,
                      clip: clip, into: &canvas)
            }
        case .text(let run):
            try glyphs.draw(run, scale: s, into: &canvas)
        case .cells(let grid):
            fillCells(grid, scale: s, clip: clip, into: &canvas)
        case .clipped(let r, let children):
            let inner = clip.intersection(Rect(x: r.x * s, y: r.y * s, width: r.width * s, height: r.height * s))
            for child in children { try draw(child, scale: s, clip: inner, glyphs: glyphs, into: &canvas) }
        case .titled(_, let children):
            for child in children { try draw(child, scale: s, clip: clip, glyphs: glyphs, into: &canvas) }
        }
    }

    /// Heatmap cells snapped to device pixels: edges are shared exactly (no seams, no
    /// anti-aliasing needed between equal-size cells), and a 512 x 512 grid fills in
    /// milliseconds instead of building a quarter of a million masks.
    static func fillCells(_ grid: CellGrid, scale s: Double, clip: Rect, into canvas: inout Canvas) {
        let clipX0 = Int(clip.minX.rounded()), clipX1 = Int(clip.maxX.rounded())
        let clipY0 = Int(clip.minY.rounded()), clipY1 = Int(clip.maxY.rounded())
        func edge(_ v: Double) -> Int { Int(min(max(v * s, -1e6), 1e6).rounded()) }
        let xs = (0...grid.columns).map { edge(grid.frame.minX + Double($0) * grid.cellWidth) }
        let ys = (0...grid.rows).map { edge(grid.frame.minY + Double($0) * grid.cellHeight) }
        for i in 0..<grid.rows {
            for j in 0..<grid.columns {
                guard let c = grid.colors[i * grid.columns + j] else { continue }
                canvas.fill(x0: max(xs[j], clipX0), y0: max(ys[i], clipY0), x1: min(xs[j + 1], clipX1),
                            y1: min(ys[i + 1], clipY1), color: (c.red, c.green, c.blue, c.alpha))
            }
        }
    }

    /// Fills the union of `polygons` (device pixels) with `color`, clipped to `clip`.
    static func paint(_ polygons: [[Point]], _ color: Color, clip: Rect, into canvas: inout Canvas) {
        let clipped = polygons.filter { $0.allSatisfy { $0.x.isFinite && $0.y.isFinite } }
            .map { PathGeometry.clip($0, to: clip) }.filter { $0.count >= 3 }
        let all = clipped.joined()
        guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
              let minY = all.map(\.y).min(), let maxY = all.map(\.y).max() else { return }
        var mask = CoverageMask(minX: Int(minX.rounded(.down)), minY: Int(minY.rounded(.down)),
                                maxX: Int(maxX.rounded(.up)), maxY: Int(maxY.rounded(.up)))
        for polygon in clipped { mask.add(polygon: polygon) }
        let rgba = (r: color.red, g: color.green, b: color.blue, a: color.alpha)
        mask.forEachCovered { x, y, coverage in canvas.blend(x: x, y: y, color: rgba, coverage: coverage) }
    }
}
