/// Writing JSON text, for the files we write by hand (a safetensors header, JSON Lines output):
/// the one escaper those writers share.
public enum JSONStringLiteral {
    /// `text` as a JSON string literal: quotes, backslashes and the control characters below
    /// U+0020 escaped, as RFC 8259 section 7 requires (\n, \r, \t by name, the rest as \u00XX);
    /// everything else as it is, in UTF-8.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
