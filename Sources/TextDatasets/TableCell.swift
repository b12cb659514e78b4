import ExactJSON

/// One value of a row read by `TableStreamReader` or written by `TableStreamWriter`, kept close
/// to how the file wrote it so that a scored copy of a file keeps every input column as it was.
///
///     .text("a fine film")        // a CSV/TSV field, a JSON string
///     .number("0.731")            // a JSON number, as its literal
///     .json("{\"a\": [1, 2]}")    // any other JSON value (true, null, arrays, objects), as JSON text
///     .list(["sports", "news"])   // labels: a JSON array of strings, `sports|news` in CSV/TSV
///     .missing                    // a key absent from a JSON line
public enum TableCell: Equatable, Sendable {
    case text(String)
    case number(String)
    case json(String)
    case list([String])
    case missing

    /// The cell as a text to tokenize: strings as they are, numbers and booleans as written;
    /// nil for null, absent keys, lists and objects (which are not a text).
    public var scalarText: String? {
        switch self {
        case .text(let text), .number(let text): return text
        case .json(let raw): return raw == "true" || raw == "false" ? raw : nil
        case .list, .missing: return nil
        }
    }
}

extension OrderedJSON {
    /// The value as a cell: strings and numbers as such, anything else as its JSON text (one
    /// line, numbers as their literal, so `1.0` stays `1.0`).
    var tableCell: TableCell {
        switch self {
        case .string(let text): return .text(text)
        case .number(let literal): return .number(literal)
        default: return .json(text(indent: 0))
        }
    }
}
