/// Horizontal metrics of one font face, used to measure text for layout.
///
/// The layout measures text from these tables rather than from a font file, so the SVG
/// output is deterministic and needs no font on the machine; the PNG backend draws the
/// same face (DejaVu Sans) with FreeType and positions glyphs with these advances, so
/// both backends place text identically. Characters outside the table (CJK, emoji: not in
/// DejaVu Sans) are measured as the width of "n".
public struct FontMetrics: Sendable {
    let unitsPerEm: Int
    /// Above the baseline, font units (positive).
    let ascent: Int
    /// Below the baseline, font units (negative).
    let descent: Int
    /// Advances of U+0020...U+007E, font units.
    let asciiAdvances: [Int]
    /// Advances of other characters the face has (Latin-1, Latin Extended-A, dashes, quotes, ellipsis).
    let otherAdvances: [UInt32: Int]

    /// Advance of one character at `size` pixels per em.
    func advance(_ scalar: Unicode.Scalar, size: Double) -> Double {
        let v = scalar.value
        let units: Int
        if v >= 0x20 && v <= 0x7E {
            units = asciiAdvances[Int(v - 0x20)]
        } else if let other = otherAdvances[v] {
            units = other
        } else {
            units = asciiAdvances[Int(("n" as Unicode.Scalar).value - 0x20)]
        }
        return Double(units) * size / Double(unitsPerEm)
    }

    /// Width of `text` at `size` pixels per em, no kerning.
    public func width(_ text: String, size: Double) -> Double {
        text.unicodeScalars.reduce(0) { $0 + advance($1, size: size) }
    }

    /// The cap height used for vertical centring: 0.73 em for DejaVu Sans (`H` is 1493 units of 2048).
    func capHeight(size: Double) -> Double { size * 0.729 }

    static func forWeight(_ weight: FontWeight) -> FontMetrics {
        weight == .bold ? .dejaVuSansBold : .dejaVuSans
    }
}
