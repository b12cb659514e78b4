/// A JSON value read byte for byte, for file formats whose JSON must be taken exactly as written:
/// object members stay in order with their keys as raw text, and numbers stay as their source
/// text for the caller to range-check.
///
///     let header = try OrderedJSON.parse(Array(#"{"a": {"dtype": "F32"}}"#.utf8), rejectDuplicateKeys: true)
///     header["a"]?["dtype"]?.stringValue   // "F32"
///
/// Why not Foundation or `Display.JSON`: Swift's `String` equality is canonical equivalence, so a
/// dictionary keyed by `String` merges "é" (U+00E9) and "e" U+0301 (two different vocabulary
/// entries or tensor names), `JSONSerialization` keeps one of two duplicate keys silently (the
/// safetensors format forbids duplicates) and on Linux drops a leading U+FEFF from strings.
/// Used by the safetensors header reader (Numerics) and the tokenizer files (WordPiece), which
/// must not depend on the kernel's `Display` target.
public enum OrderedJSON: Equatable {
    case object([(key: String, value: OrderedJSON)])
    case array([OrderedJSON])
    case string(String)
    /// The number's source text (RFC 8259 grammar checked).
    case number(String)
    case bool(Bool)
    case null

    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(a), .array(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// The member `key` of an object, compared byte for byte (the last one if repeated, as
    /// serde keeps it).
    public subscript(key: String) -> OrderedJSON? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.key.utf8.elementsEqual(key.utf8) })?.value
    }

    public var stringValue: String? { if case .string(let text) = self { return text } else { return nil } }
    public var boolValue: Bool? { if case .bool(let flag) = self { return flag } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    /// An integer written without fraction or exponent.
    public var intValue: Int? { if case .number(let text) = self { return Int(text) } else { return nil } }
    public var doubleValue: Double? { if case .number(let text) = self { return Double(text) } else { return nil } }
    public var members: [(key: String, value: OrderedJSON)]? {
        if case .object(let members) = self { return members } else { return nil }
    }
    public var elements: [OrderedJSON]? { if case .array(let elements) = self { return elements } else { return nil } }

    /// Compact text of a scalar value for error messages.
    public var sourceText: String {
        switch self {
        case .string(let text): return text
        case .number(let text): return text
        case .bool(let value): return String(value)
        case .null: return "null"
        case .object: return "{...}"
        case .array: return "[...]"
        }
    }

    /// A short name of the value's kind for error messages ("an object", "a string", ...).
    public var kindName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// Why `OrderedJSON.parse` refused its input. Callers wrap it with the file name:
/// `config.json: invalid JSON at line 3, column 18: expected ',' or '}'`.
public struct OrderedJSONError: Error, CustomStringConvertible {
    /// Byte offset in the input where parsing stopped.
    public let offset: Int
    /// Line (1-based) and column (1-based, in Unicode scalars) of `offset`, what an editor shows.
    public let line: Int
    public let column: Int
    public let reason: String
    /// Set when the failure is a repeated key (with `rejectDuplicateKeys`).
    public let duplicateKey: String?

    public var description: String { "invalid JSON at line \(line), column \(column): \(reason)" }
}
