import CFreeType
import Foundation

/// Draws text into a canvas with FreeType and DejaVu Sans (Debian `fonts-dejavu-core`).
///
/// Why FreeType and not a bitmap font of our own: the figures need several sizes, bold
/// titles and text rotated by 90 degrees (token labels), all anti-aliased; FreeType does
/// that from the same outlines the SVG names, so both outputs look alike. Glyphs are
/// placed with the layout's advance table (`FontMetrics`), so text ends where the layout
/// expected; each glyph is rendered at its sub-pixel offset (FT_Set_Transform's delta).
/// The FreeType pointers stay inside this type.
final class GlyphRenderer {
    private var library: FT_Library?
    private var regular: FT_Face?
    private var bold: FT_Face?

    /// Font directories tried in order; the first holding DejaVuSans.ttf wins.
    static var searchDirectories: [String] {
        var dirs: [String] = []
        if let custom = ProcessInfo.processInfo.environment["BERT_KERNEL_FONT_DIR"], !custom.isEmpty {
            dirs.append(custom)
        }
        dirs += ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
                 "/usr/local/share/fonts", "/opt/homebrew/share/fonts"]
        return dirs
    }

    init() throws {
        let error = FT_Init_FreeType(&library)
        guard error == 0, let library else { throw PlotError.freeType(call: "FT_Init_FreeType", code: error) }
        let fm = FileManager.default
        guard let dir = Self.searchDirectories.first(where: { fm.fileExists(atPath: $0 + "/DejaVuSans.ttf") }) else {
            FT_Done_FreeType(library)
            self.library = nil
            throw PlotError.fontNotFound(Self.searchDirectories.map { $0 + "/DejaVuSans.ttf" })
        }
        regular = try Self.open(library, dir + "/DejaVuSans.ttf")
        // Bold is optional: titles fall back to the regular face.
        bold = fm.fileExists(atPath: dir + "/DejaVuSans-Bold.ttf") ? try? Self.open(library, dir + "/DejaVuSans-Bold.ttf") : nil
    }

    deinit {
        if let regular { FT_Done_Face(regular) }
        if let bold { FT_Done_Face(bold) }
        if let library { FT_Done_FreeType(library) }
    }

    private static func open(_ library: FT_Library, _ path: String) throws -> FT_Face {
        var face: FT_Face?
        let error = FT_New_Face(library, path, 0, &face)
        guard error == 0, let face else { throw PlotError.freeType(call: "FT_New_Face(\(path))", code: error) }
        return face
    }

    /// FT_LOAD_RENDER (1 << 2) | FT_LOAD_TARGET_LIGHT (FT_RENDER_MODE_LIGHT << 16): light
    /// (vertical-only) hinting keeps small text crisp without distorting advances.
    private static let loadFlags: Int32 = (1 << 2) | (1 << 16)

    /// The face's own advance of `scalar` in font units (FT_LOAD_NO_SCALE), nil if the face
    /// lacks the glyph; used to check the layout table against the font actually drawn.
    func advanceInFontUnits(_ scalar: Unicode.Scalar, weight: FontWeight) -> Int? {
        guard let face = weight == .bold ? bold : regular else { return nil }
        FT_Set_Transform(face, nil, nil)
        let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
        guard index != 0, FT_Load_Glyph(face, index, 1 /* FT_LOAD_NO_SCALE */) == 0, let slot = face.pointee.glyph else {
            return nil
        }
        return Int(slot.pointee.advance.x)
    }

    /// Draws `run` (figure coordinates) onto `canvas` at `scale` device pixels per CSS pixel.
    func draw(_ run: TextRun, scale: Double, into canvas: inout Canvas) throws {
        guard let face = run.weight == .bold ? (bold ?? regular) : regular else { return }
        let size = run.size * scale
        var error = FT_Set_Char_Size(face, 0, FT_F26Dot6((size * 64).rounded()), 72, 72)
        guard error == 0 else { throw PlotError.freeType(call: "FT_Set_Char_Size", code: error) }

        let metrics = FontMetrics.forWeight(run.weight)
        let width = metrics.width(run.text, size: size)
        // SVG rotate(a) turns clockwise on screen (y down); FreeType's y points up.
        let angle = run.rotation * Double.pi / 180
        let direction = (x: cos(angle), y: sin(angle))
        let shift = run.anchor == .start ? 0 : run.anchor == .middle ? -width / 2 : -width
        var pen = (x: run.position.x * scale + direction.x * shift, y: run.position.y * scale + direction.y * shift)
        var matrix = FT_Matrix(xx: FT_Fixed((cos(-angle) * 65536).rounded()), xy: FT_Fixed((-sin(-angle) * 65536).rounded()),
                               yx: FT_Fixed((sin(-angle) * 65536).rounded()), yy: FT_Fixed((cos(-angle) * 65536).rounded()))
        let c = run.color
        let rgba = (r: c.red, g: c.green, b: c.blue, a: c.alpha)

        for scalar in run.text.unicodeScalars {
            let advance = metrics.advance(scalar, size: size)
            defer {
                pen.x += direction.x * advance
                pen.y += direction.y * advance
            }
            if scalar == " " { continue }
            let originX = pen.x.rounded(.down), originY = pen.y.rounded(.down)
            var delta = FT_Vector(x: FT_Pos(((pen.x - originX) * 64).rounded()), y: FT_Pos((-(pen.y - originY) * 64).rounded()))
            FT_Set_Transform(face, &matrix, &delta)
            let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
            error = FT_Load_Glyph(face, index, Self.loadFlags)
            guard error == 0, let slot = face.pointee.glyph else { continue }
            let bitmap = slot.pointee.bitmap
            guard let buffer = bitmap.buffer, bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue) else { continue }
            let left = Int(originX) + Int(slot.pointee.bitmap_left)
            let top = Int(originY) - Int(slot.pointee.bitmap_top)
            let pitch = Int(bitmap.pitch)
            for row in 0..<Int(bitmap.rows) {
                for column in 0..<Int(bitmap.width) {
                    let value = buffer[row * pitch + column]
                    if value > 0 {
                        canvas.blend(x: left + column, y: top + row, color: rgba, coverage: Double(value) / 255)
                    }
                }
            }
        }
    }
}
