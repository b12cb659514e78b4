import Foundation

/// Polygons for the rasteriser: circles, stroked polylines (as quads plus round joins),
/// dashes, and clipping to a rectangle.
enum PathGeometry {
    /// A circle as a polygon fine enough that its facets are invisible (about one vertex
    /// per 1.5 device pixels of circumference).
    static func circle(_ c: Point, radius: Double) -> [Point] {
        let n = max(8, min(96, Int((2 * Double.pi * radius / 1.5).rounded(.up))))
        return (0..<n).map { k in
            let t = 2 * Double.pi * Double(k) / Double(n)
            return Point(c.x + radius * cos(t), c.y + radius * sin(t))
        }
    }

    /// The outline pieces of a stroke: one quad per segment, plus round joins and caps
    /// (discs of the stroke's radius) for solid strokes; dashed strokes get butt ends.
    static func stroke(_ points: [Point], width: Double, dash: [Double]) -> [[Point]] {
        let half = width / 2
        var pieces: [[Point]] = []
        let runs = dash.isEmpty ? [points] : dashed(points, pattern: dash)
        for run in runs {
            for i in 0..<max(run.count - 1, 0) {
                let a = run[i], b = run[i + 1]
                let dx = b.x - a.x, dy = b.y - a.y
                let length = (dx * dx + dy * dy).squareRoot()
                guard length > 1e-9 else { continue }
                let nx = -dy / length * half, ny = dx / length * half
                pieces.append([Point(a.x + nx, a.y + ny), Point(b.x + nx, b.y + ny),
                               Point(b.x - nx, b.y - ny), Point(a.x - nx, a.y - ny)])
            }
            if dash.isEmpty && half > 0.3 {
                for p in run { pieces.append(circle(p, radius: half)) }
            }
        }
        return pieces
    }

    /// `points` cut into the "on" pieces of a repeating dash pattern (on, off, on, off, ...).
    static func dashed(_ points: [Point], pattern: [Double]) -> [[Point]] {
        let pattern = pattern.filter { $0 > 0 }
        guard !pattern.isEmpty, points.count >= 2 else { return [points] }
        var runs: [[Point]] = []
        var current: [Point] = [points[0]]
        var index = 0
        var remaining = pattern[0]
        var on = true
        for i in 0..<(points.count - 1) {
            var a = points[i]
            let b = points[i + 1]
            var length = hypot(b.x - a.x, b.y - a.y)
            while length > remaining {
                let t = remaining / length
                let cut = Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
                if on {
                    current.append(cut)
                    runs.append(current)
                }
                current = [cut]
                length -= remaining
                a = cut
                on.toggle()
                index = (index + 1) % pattern.count
                remaining = pattern[index]
            }
            remaining -= length
            if on { current.append(b) }
        }
        if on && current.count >= 2 { runs.append(current) }
        return runs
    }

    /// Sutherland-Hodgman clipping of a polygon to a rectangle (keeps orientation).
    static func clip(_ polygon: [Point], to r: Rect) -> [Point] {
        var out = polygon
        func pass(_ inside: (Point) -> Bool, _ intersect: (Point, Point) -> Point) {
            guard !out.isEmpty else { return }
            let input = out
            out = []
            for i in input.indices {
                let current = input[i], previous = input[(i + input.count - 1) % input.count]
                if inside(current) {
                    if !inside(previous) { out.append(intersect(previous, current)) }
                    out.append(current)
                } else if inside(previous) {
                    out.append(intersect(previous, current))
                }
            }
        }
        func atX(_ x: Double) -> (Point, Point) -> Point {
            { a, b in Point(x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)) }
        }
        func atY(_ y: Double) -> (Point, Point) -> Point {
            { a, b in Point(a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y), y) }
        }
        pass({ $0.x >= r.minX }, atX(r.minX))
        pass({ $0.x <= r.maxX }, atX(r.maxX))
        pass({ $0.y >= r.minY }, atY(r.minY))
        pass({ $0.y <= r.maxY }, atY(r.maxY))
        return out
    }
}
