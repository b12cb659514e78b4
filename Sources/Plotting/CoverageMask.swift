/// Anti-aliased polygon coverage by exact signed-area accumulation.
///
/// Each edge adds, to the cells it crosses, the signed area between it and the cell's
/// right side; a running sum along each row then gives every pixel's coverage (the method
/// of Raph Levien's font-rs and of stb_truetype v2, written here from its description).
/// Polygons must all have the same orientation; overlapping pieces add up and are clamped
/// to 1, which approximates their union (enough for stroke segments and joins).
///
/// - accumulation: (height, width + 2) over the mask's bounding box in device pixels
struct CoverageMask {
    let originX: Int
    let originY: Int
    let width: Int
    let height: Int
    private var accumulation: [Double]

    /// A mask covering device pixels [minX, maxX) x [minY, maxY).
    init(minX: Int, minY: Int, maxX: Int, maxY: Int) {
        originX = minX
        originY = minY
        width = max(maxX - minX, 1)
        height = max(maxY - minY, 1)
        accumulation = [Double](repeating: 0, count: (width + 2) * height)
    }

    /// Adds a closed polygon (device coordinates, inside the mask's box).
    mutating func add(polygon points: [Point]) {
        guard points.count >= 3 else { return }
        // Positive (clockwise on screen) orientation, so that overlapping pieces add.
        var area = 0.0
        for i in points.indices {
            let a = points[i], b = points[(i + 1) % points.count]
            area += a.x * b.y - b.x * a.y
        }
        let ordered = area < 0 ? points.reversed() : points
        for i in ordered.indices {
            let a = ordered[i], b = ordered[(i + 1) % ordered.count]
            line(Point(a.x - Double(originX), a.y - Double(originY)),
                 Point(b.x - Double(originX), b.y - Double(originY)))
        }
    }

    private mutating func line(_ p0: Point, _ p1: Point) {
        if p0.y == p1.y { return }
        let direction: Double = p0.y < p1.y ? 1 : -1
        let (top, bottom) = p0.y < p1.y ? (p0, p1) : (p1, p0)
        let dxdy = (bottom.x - top.x) / (bottom.y - top.y)
        let stride = width + 2
        var x = top.x
        if top.y < 0 { x -= top.y * dxdy }
        let yStart = max(0, Int(top.y.rounded(.down)))
        let yEnd = min(height, Int(bottom.y.rounded(.up)))
        guard yStart < yEnd else { return }
        for y in yStart..<yEnd {
            let rowStart = y * stride
            let dy = min(Double(y + 1), bottom.y) - max(Double(y), top.y)
            let xNext = x + dxdy * dy
            let d = dy * direction
            let (xa, xb) = x < xNext ? (x, xNext) : (xNext, x)
            let xaFloor = xa.rounded(.down)
            let xaIndex = max(0, Int(xaFloor))
            let xbCeil = xb.rounded(.up)
            let xbIndex = min(width + 1, Int(xbCeil))
            if xbIndex <= xaIndex + 1 {
                // The edge stays within one column in this row.
                let xMid = 0.5 * (x + xNext) - xaFloor
                accumulation[rowStart + xaIndex] += d - d * xMid
                accumulation[rowStart + min(xaIndex + 1, width + 1)] += d * xMid
            } else {
                let s = 1 / (xb - xa)
                let xaFrac = xa - xaFloor
                let a0 = 0.5 * s * (1 - xaFrac) * (1 - xaFrac)
                let xbFrac = xb - xbCeil + 1
                let aEnd = 0.5 * s * xbFrac * xbFrac
                accumulation[rowStart + xaIndex] += d * a0
                if xbIndex == xaIndex + 2 {
                    accumulation[rowStart + xaIndex + 1] += d * (1 - a0 - aEnd)
                } else {
                    let a1 = s * (1.5 - xaFrac)
                    accumulation[rowStart + xaIndex + 1] += d * (a1 - a0)
                    if xaIndex + 2 < xbIndex - 1 {
                        for xi in (xaIndex + 2)..<(xbIndex - 1) { accumulation[rowStart + xi] += d * s }
                    }
                    let a2 = a1 + Double(xbIndex - xaIndex - 3) * s
                    accumulation[rowStart + xbIndex - 1] += d * (1 - a2 - aEnd)
                }
                accumulation[rowStart + xbIndex] += d * aEnd
            }
            x = xNext
        }
    }

    /// Calls `body(x, y, coverage)` in device pixels for every pixel with coverage > 0.
    func forEachCovered(_ body: (Int, Int, Double) -> Void) {
        let stride = width + 2
        for y in 0..<height {
            var sum = 0.0
            let rowStart = y * stride
            for x in 0..<width {
                sum += accumulation[rowStart + x]
                let coverage = min(abs(sum), 1)
                if coverage > 1.0 / 512 { body(originX + x, originY + y, coverage) }
            }
        }
    }
}
