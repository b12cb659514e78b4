/// Markup escaping for anything user data reaches (labels, texts, file names): the one escaper of
/// the HTML displays (CellLanguage's reports) and of the SVG figures (Plotting's `SVGWriter`).
public enum HTML {
    /// Escapes `& < > " '` so the text shows literally inside elements and attribute values, in
    /// HTML and in XML alike.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
