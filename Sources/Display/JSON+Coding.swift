import Foundation

/// Errors from `JSON.parse`.
public struct JSONParseError: Error, CustomStringConvertible {
    public let description: String
}

extension JSON {
    /// Parses UTF-8 JSON text (RFC 8259). Integers that fit in `Int` stay `.int`; other
    /// numbers are `.double`. Nesting deeper than 512 levels is rejected rather than
    /// overflowing the stack on hostile input.
    public static func parse(_ data: Data) throws -> JSON {
        try data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
            return try parser.parseDocument()
        }
    }

    public static func parse(_ text: String) throws -> JSON { try parse(Data(text.utf8)) }

    /// Compact JSON text with sorted keys. Non-finite numbers become `null`.
    public func serialized() -> String {
        var out = ""
        write(to: &out)
        return out
    }

    public func serializedData() -> Data { Data(serialized().utf8) }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if !d.isFinite {
                out += "null"
            } else if d.rounded() == d && abs(d) < 1e15 {
                // Keep whole doubles recognisably floating point for Python ("1.0").
                out += String(format: "%.1f", d)
            } else {
                out += "\(d)"
            }
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, key) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                JSON.writeString(key, to: &out)
                out += ":"
                o[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
