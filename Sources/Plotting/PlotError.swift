/// Failures of the PNG backend (the SVG backend cannot fail).
public enum PlotError: Error, CustomStringConvertible, Equatable {
    /// No font file found; lists every path tried.
    case fontNotFound([String])
    case freeType(call: String, code: Int32)
    case compression(code: Int32)
    /// The requested image is too large or degenerate.
    case badSize(width: Int, height: Int)

    public var description: String {
        switch self {
        case .fontNotFound(let paths):
            return "no font for PNG text; tried \(paths.joined(separator: ", ")) "
                + "(install the Debian package fonts-dejavu-core or set BERT_KERNEL_FONT_DIR)"
        case .freeType(let call, let code):
            return "FreeType \(call) failed with error \(code)"
        case .compression(let code):
            return "zlib deflate failed with error \(code)"
        case .badSize(let width, let height):
            return "cannot render a \(width)x\(height) pixel image (at most 16384 per side)"
        }
    }
}
