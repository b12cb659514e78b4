import Display
import Foundation

/// Display list -> standalone SVG 1.1 text.
///
/// Deterministic: coordinates are printed with at most two decimals and no locale, and
/// clip-path ids carry a hash of the figure's content, so the same figure gives the same
/// bytes and two figures inlined in one notebook page never share an id. No external
/// fonts or resources: text names DejaVu Sans (what the PNG uses) with common fallbacks.
enum SVGWriter {
    static func write(_ list: DisplayList) -> String {
        var body = ""
        var clipCount = 0
        for p in list.primitives { emit(p, into: &body, clipCount: &clipCount) }
        let id = String(fnv1a(body), radix: 16)
        body = body.replacingOccurrences(of: "@CLIP@", with: "clip\(id)-")
        let w = number(list.width), h = number(list.height)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
        out += "version=\"1.1\" width=\"\(w)\" height=\"\(h)\" "
        out += "viewBox=\"0 0 \(w) \(h)\" font-family=\"'DejaVu Sans', Verdana, Arial, sans-serif\">\n"
        if let alt = list.altText { out += "<title>\(escape(alt))</title>\n" }
        out += "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\"\(fill(list.background))/>\n"
        out += body
        out += "</svg>\n"
        return out
    }

    static func emit(_ p: Primitive, into out: inout String, clipCount: inout Int) {
        switch p {
        case .rect(let r, let f, let s):
            out += "<rect x=\"\(number(r.x))\" y=\"\(number(r.y))\" width=\"\(number(r.width))\" "
            out += "height=\"\(number(r.height))\"\(fill(f))\(stroke(s))/>\n"
        case .polyline(let points, let s):
            out += "<polyline points=\"\(pointList(points))\" fill=\"none\"\(stroke(s))/>\n"
        case .polygon(let points, let f):
            out += "<polygon points=\"\(pointList(points))\"\(fill(f))/>\n"
        case .circle(let c, let radius, let f, let s):
            out += "<circle cx=\"\(number(c.x))\" cy=\"\(number(c.y))\" r=\"\(number(radius))\"\(fill(f))\(stroke(s))/>\n"
        case .text(let t):
            out += text(t)
        case .cells(let grid):
            out += cells(grid)
        case .clipped(let r, let children):
            let id = "@CLIP@\(clipCount)"
            clipCount += 1
            out += "<clipPath id=\"\(id)\"><rect x=\"\(number(r.x))\" y=\"\(number(r.y))\" "
            out += "width=\"\(number(r.width))\" height=\"\(number(r.height))\"/></clipPath>\n"
            out += "<g clip-path=\"url(#\(id))\">\n"
            for child in children { emit(child, into: &out, clipCount: &clipCount) }
            out += "</g>\n"
        case .titled(let title, let children):
            out += "<g><title>\(escape(title))</title>\n"
            for child in children { emit(child, into: &out, clipCount: &clipCount) }
            out += "</g>\n"
        }
    }

    /// Grids above this many cells are embedded as one PNG instead of one rect per cell.
    static let maxRectCells = 1024

    static func cells(_ grid: CellGrid) -> String {
        if grid.rows * grid.columns > maxRectCells, let image = cellImage(grid) {
            let f = grid.frame
            // Each cell is several image pixels so that viewers that smooth instead of honouring
            // `pixelated` still show crisp cells.
            return "<image x=\"\(number(f.x))\" y=\"\(number(f.y))\" width=\"\(number(f.width))\" "
                + "height=\"\(number(f.height))\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" "
                + "xlink:href=\"data:image/png;base64,\(image.base64EncodedString())\"/>\n"
        }
        var out = ""
        for i in 0..<grid.rows {
            for j in 0..<grid.columns {
                guard let color = grid.colors[i * grid.columns + j] else { continue }
                let r = grid.cellRect(row: i, column: j)
                out += "<rect x=\"\(number(r.x))\" y=\"\(number(r.y))\" width=\"\(number(r.width))\" "
                out += "height=\"\(number(r.height))\"\(fill(color))/>\n"
            }
        }
        return out
    }

    /// The grid as a PNG, 4x4 pixels per cell (fewer beyond 256 rows or columns, to stay
    /// within about 1024 pixels a side); missing cells white.
    static func cellImage(_ grid: CellGrid) -> Data? {
        let k = max(1, min(4, 1024 / max(grid.rows, grid.columns, 1)))
        var canvas = Canvas(width: grid.columns * k, height: grid.rows * k, background: .white)
        for i in 0..<grid.rows {
            for j in 0..<grid.columns {
                guard let c = grid.colors[i * grid.columns + j] else { continue }
                for y in (i * k)..<((i + 1) * k) {
                    for x in (j * k)..<((j + 1) * k) {
                        canvas.blend(x: x, y: y, color: (c.red, c.green, c.blue, 1), coverage: 1)
                    }
                }
            }
        }
        return try? PNGEncoder.encode(canvas)
    }

    static func text(_ t: TextRun) -> String {
        let x = number(t.position.x), y = number(t.position.y)
        var s = "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(number(t.size))\"\(fill(t.color))"
        if t.weight == .bold { s += " font-weight=\"bold\"" }
        if t.anchor != .start { s += " text-anchor=\"\(t.anchor.rawValue)\"" }
        if t.rotation != 0 { s += " transform=\"rotate(\(number(t.rotation)) \(x) \(y))\"" }
        return s + ">\(escape(t.text))</text>\n"
    }

    static func fill(_ color: Color?) -> String {
        guard let color else { return " fill=\"none\"" }
        var s = " fill=\"\(color.svg)\""
        if color.alpha < 1 { s += " fill-opacity=\"\(number(color.alpha))\"" }
        return s
    }

    /// Solid strokes get round caps and joins, dashed ones butt caps (the rasteriser matches).
    static func stroke(_ stroke: Stroke?) -> String {
        guard let stroke else { return "" }
        var s = " stroke=\"\(stroke.color.svg)\" stroke-width=\"\(number(stroke.width))\""
        if stroke.color.alpha < 1 { s += " stroke-opacity=\"\(number(stroke.color.alpha))\"" }
        if stroke.dash.isEmpty {
            s += " stroke-linecap=\"round\" stroke-linejoin=\"round\""
        } else {
            s += " stroke-dasharray=\"\(stroke.dash.map(number).joined(separator: " "))\""
        }
        return s
    }

    static func pointList(_ points: [Point]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }

    /// At most two decimals, trailing zeros dropped, never "-0".
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        var s = String(format: "%.2f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// XML character data: what XML 1.0 forbids replaced (tabs and line breaks by a space, the
    /// other control characters and U+FFFE, U+FFFF by U+FFFD), then markup escaped as HTML is.
    static func escape(_ text: String) -> String {
        var valid = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t", "\n", "\r": valid.append(" ")
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value): valid.append("\u{FFFD}")
            default: valid.append(scalar)
            }
        }
        return HTML.escape(String(valid))
    }

    /// 64-bit FNV-1a of the UTF-8 bytes (a stable content id, not a security hash).
    static func fnv1a(_ s: String) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in s.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        return hash
    }
}
