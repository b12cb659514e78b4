import Display

/// A value of the cell language: what literals evaluate to, what `let` binds and what
/// commands take and return.
///
///     let v: Value = .array([.string("a"), .int(2)])
///     v.plainText   // ["a", 2]
public enum Value: Equatable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([Value])
    /// A result of a command (a loaded model's summary, an evaluation report, ...), shown with
    /// its own MIME bundle and carrying the typed Swift value for commands that accept it back.
    case rich(RichValue)
    /// A bare command name used as a value, as in `help(train)`.
    case command(String)

    /// The type name used in signatures and error messages.
    public var typeName: String {
        switch self {
        case .string: return "String"
        case .int: return "Int"
        case .double: return "Double"
        case .bool: return "Bool"
        case .null: return "nil"
        case .array: return "Array"
        case .rich(let r): return r.typeName
        case .command: return "Command"
        }
    }

    /// The source-like rendering (`"text"` quoted and escaped), used for results and arrays.
    public var plainText: String {
        switch self {
        case .string(let s): return Value.quoted(s)
        case .int(let i): return String(i)
        case .double(let d): return Value.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "nil"
        case .array(let items): return "[" + items.map(\.plainText).joined(separator: ", ") + "]"
        case .rich(let r): return r.bundle.plainText ?? "<\(r.typeName)>"
        case .command(let name): return "<command \(name)>"
        }
    }

    /// What `print` writes: strings without quotes, everything else as `plainText`.
    public var description: String {
        if case .string(let s) = self { return s }
        return plainText
    }

    /// The MIME bundle of a cell result: a rich value's own bundle, else `text/plain`.
    public var mimeBundle: MimeBundle {
        if case .rich(let r) = self { return r.bundle }
        return MimeBundle(plain: plainText)
    }

    /// The value as JSON (rich values give their `application/vnd.bert-kernel+json`, else their text).
    public var json: JSON {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .array(let items): return .array(items.map(\.json))
        case .rich(let r): return r.bundle.data[MimeBundle.numbersType] ?? .string(r.bundle.plainText ?? r.typeName)
        case .command(let name): return .string(name)
        }
    }

    /// Swift's shortest round-trip rendering, with the exponent written as in source (`5e-05`
    /// becomes `5e-5`) so that defaults in help read as one would type them.
    public static func format(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        var text = "\(d)"
        if let e = text.firstIndex(of: "e") {
            var exponent = String(text[text.index(after: e)...])
            let sign = exponent.hasPrefix("-") ? "-" : ""
            exponent = String(exponent.drop(while: { $0 == "-" || $0 == "+" }).drop(while: { $0 == "0" }))
            text = String(text[..<e]) + "e" + sign + (exponent.isEmpty ? "0" : exponent)
        }
        return text
    }

    /// Like `format`, but whole numbers without `.0` (range bounds in messages: `0...86400`).
    public static func formatNumber(_ d: Double) -> String {
        if d.isFinite, d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
        return format(d)
    }

    /// A string literal that reads back to `s`.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// An opaque value produced by a command: its type name (for inspection) and its display. Swift
/// code that wants the typed value calls the `Session` API (e.g. `Session.evaluate`) instead; only
/// the commands make these, so the memberwise init (internal) serves.
///
///     Value.rich(RichValue(typeName: "Evaluation", bundle: report.bundle))
public struct RichValue: Equatable {
    public var typeName: String
    public var bundle: MimeBundle
}
