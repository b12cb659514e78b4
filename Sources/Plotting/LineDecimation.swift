/// Thins long polylines to what the screen can show.
///
/// A training run of 30,000 steps plotted 600 pixels wide puts 50 points in every pixel
/// column. Keeping, per column, the first, lowest, highest and last point (in their
/// original order) draws the same envelope with at most four points per column, so the
/// SVG stays small and the rasteriser fast, and no spike disappears.
enum LineDecimation {
    /// `points` in figure coordinates (x increasing along the run is typical but not required:
    /// a new column starts whenever the pixel column changes).
    static func decimate(_ points: [Point], columnWidth: Double = 1) -> [Point] {
        guard points.count > 8 else { return points }
        var out: [Point] = []
        out.reserveCapacity(points.count / 4)
        var start = 0
        func flush(_ end: Int) {
            // Indices of first, min-y, max-y, last in [start, end), kept in order, without repeats.
            var lowest = start, highest = start
            for i in start..<end {
                if points[i].y < points[lowest].y { lowest = i }
                if points[i].y > points[highest].y { highest = i }
            }
            var keep = [start, lowest, highest, end - 1]
            keep.sort()
            var previous = -1
            for i in keep where i != previous {
                out.append(points[i])
                previous = i
            }
        }
        var column = (points[0].x / columnWidth).rounded(.down)
        for i in 1..<points.count {
            let c = (points[i].x / columnWidth).rounded(.down)
            if c != column {
                flush(i)
                start = i
                column = c
            }
        }
        flush(points.count)
        return out
    }
}
