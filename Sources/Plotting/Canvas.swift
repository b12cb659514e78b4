/// An opaque RGB image, 8 bits per channel, row-major from the top-left.
///
/// - pixels: (height, width, 3)
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: Color) {
        self.width = width
        self.height = height
        let b = background.bytes
        var row = [UInt8]()
        row.reserveCapacity(width * 3)
        for _ in 0..<width { row += [b.r, b.g, b.b] }
        pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        for _ in 0..<height { pixels += row }
    }

    /// The colour at (x, y).
    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Blends `color` over every pixel of [x0, x1) x [y0, y1) (clamped to the canvas).
    mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: (r: Double, g: Double, b: Double, a: Double)) {
        let xa = max(x0, 0), xb = min(x1, width), ya = max(y0, 0), yb = min(y1, height)
        guard xa < xb, ya < yb else { return }
        for y in ya..<yb {
            for x in xa..<xb { blend(x: x, y: y, color: color, coverage: 1) }
        }
    }

    /// Source-over compositing of `color` at `coverage` (0...1) onto an opaque pixel:
    /// dst = src * a + dst * (1 - a), with a = coverage * alpha.
    mutating func blend(x: Int, y: Int, color: (r: Double, g: Double, b: Double, a: Double), coverage: Double) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let a = min(max(coverage, 0), 1) * color.a
        guard a > 0 else { return }
        let i = (y * width + x) * 3
        func mix(_ dst: UInt8, _ src: Double) -> UInt8 {
            UInt8(min(max((src * 255 * a + Double(dst) * (1 - a)).rounded(), 0), 255))
        }
        pixels[i] = mix(pixels[i], color.r)
        pixels[i + 1] = mix(pixels[i + 1], color.g)
        pixels[i + 2] = mix(pixels[i + 2], color.b)
    }
}
