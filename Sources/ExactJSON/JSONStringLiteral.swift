/// Writing JSON text by hand: the one escaper of every writer (a safetensors header, JSON Lines
/// output, the checkpoints' state files, `tokenizer_config.json`, and Display's wire messages).
public enum JSONStringLiteral {
    /// `text` as a JSON string literal (see `append(_:to:)`).
    public static func quoted(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2)
        append(text, to: &out)
        return out
    }

    /// Appends `text` to `out` as a JSON string literal: quotes, backslashes and the control
    /// characters below U+0020 escaped, as RFC 8259 section 7 requires (\n, \r, \t, \b, \f by
    /// name, as Python's `json.dumps` writes them; the rest as \u00XX); U+2028 and U+2029 as
    /// \u2028 and \u2029, because JavaScript before ES2019 ends a string at them and a front end
    /// may embed the text in a script; everything else as it is, in UTF-8.
    public static func append(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
