extension OrderedJSON {
    /// Parses one JSON value (RFC 8259) followed only by whitespace.
    /// - rejectDuplicateKeys: a key repeated within one object (compared as raw UTF-8) is an
    ///   error naming it; otherwise every member is kept in order
    /// - allowByteOrderMark: skip a UTF-8 byte order mark before the value
    /// - maxDepth: nesting limit, so hostile input cannot overflow the stack
    public static func parse(_ bytes: [UInt8], rejectDuplicateKeys: Bool = false, allowByteOrderMark: Bool = false,
                             maxDepth: Int = 128) throws -> OrderedJSON {
        var parser = OrderedJSONParser(bytes: bytes, rejectDuplicateKeys: rejectDuplicateKeys, maxDepth: maxDepth)
        if allowByteOrderMark, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }
}

/// Recursive descent over UTF-8 bytes.
struct OrderedJSONParser {
    let bytes: [UInt8]
    let rejectDuplicateKeys: Bool
    let maxDepth: Int
    var index = 0

    init(bytes: [UInt8], rejectDuplicateKeys: Bool, maxDepth: Int) {
        self.bytes = bytes
        self.rejectDuplicateKeys = rejectDuplicateKeys
        self.maxDepth = maxDepth
    }

    /// A failure at `offset` (the current index unless said): an unclosed object or array is
    /// reported where it opens, which is where the reader has to look.
    func failure(_ reason: String, at offset: Int? = nil, duplicateKey: String? = nil) -> OrderedJSONError {
        let offset = offset ?? index
        // Counted only on failure: a newline ends a line (CRLF counts once, as its LF), and a
        // column advances once per scalar (every UTF-8 byte but continuation bytes).
        var line = 1, column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80, byte != 0x0D { column += 1 }
        }
        return OrderedJSONError(offset: offset, line: line, column: column, reason: reason, duplicateKey: duplicateKey)
    }

    /// The character at `index` for a message: printable ASCII as itself, anything else by code
    /// point (an invisible U+200B or U+FEFF otherwise reads as ''), bytes that are not UTF-8 as hex.
    func describeCharacter() -> String {
        let byte = bytes[index]
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte < 0x80 { return "U+\(Self.hex(UInt32(byte), width: 4))" }
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
        if length > 1, index + length <= bytes.count,
           let text = String(validating: bytes[index..<index + length], as: UTF8.self), let scalar = text.unicodeScalars.first {
            return "U+\(Self.hex(scalar.value, width: 4)) '\(text)'"
        }
        return "byte 0x\(Self.hex(UInt32(byte), width: 2)), which is not UTF-8 text (is the file in another encoding?)"
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Python's `json.dump` writes float('nan') and float('inf') as these words, which JSON
    /// does not have; named so the message says what to change.
    private static let pythonWords = ["NaN", "Infinity", "-Infinity"]

    private func pythonWordHere() -> String? {
        Self.pythonWords.first { word in
            index + word.utf8.count <= bytes.count && bytes[index..<index + word.utf8.count].elementsEqual(word.utf8)
        }
    }

    private func pythonWordFailure(_ word: String) -> OrderedJSONError {
        failure("\(word) is not a JSON number (Python's json.dump writes it for a float that is not finite); "
                + "write a finite number or null instead")
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws -> OrderedJSON {
        guard depth < maxDepth else { throw failure("arrays and objects nested more than \(maxDepth) deep") }
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let word = pythonWordHere() { throw pythonWordFailure(word) }
            return .number(try parseNumber())
        default:
            if let word = pythonWordHere() { throw pythonWordFailure(word) }
            throw failure("unexpected character \(describeCharacter())")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws {
        for byte in literal.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw failure("invalid literal; expected '\(literal)'") }
            index += 1
        }
    }

    private mutating func parseObject(depth: Int) throws -> OrderedJSON {
        let opening = index
        index += 1  // {
        var members: [(key: String, value: OrderedJSON)] = []
        // Raw UTF-8 bytes, not Strings: String equality is canonical equivalence.
        var seen = Set<[UInt8]>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure("expected a key string, but the text ends: the object is never closed (missing '}')") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if index < bytes.count, bytes[index] == UInt8(ascii: "}"), !members.isEmpty {
                    throw failure("a comma before '}': JSON allows no comma after the last member")
                }
                throw failure("expected a key string")
            }
            let key = try parseString()
            if rejectDuplicateKeys, !seen.insert(Array(key.utf8)).inserted {
                throw failure("key '\(key)' appears twice in one object (a key may appear no more than once)", duplicateKey: key)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after key '\(key)'") }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard index < bytes.count else { throw failure("the object is never closed (missing '}')", at: opening) }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw failure("expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws -> OrderedJSON {
        let opening = index
        index += 1  // [
        var elements: [OrderedJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw failure("the array is never closed (missing ']')", at: opening) }
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw failure("the array is never closed (missing ']')", at: opening) }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw failure("expected ',' or ']'")
        }
    }

    /// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func parseNumber() throws -> String {
        let start = index
        func digits() -> Int {
            let begin = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - begin
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let intStart = index
        guard digits() > 0 else { throw failure("malformed number") }
        if bytes[intStart] == UInt8(ascii: "0"), index - intStart > 1 { throw failure("invalid number: leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("malformed number") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("malformed number") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseString() throws -> String {
        index += 1  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("a string is never closed (missing \")") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw failure("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try parseUnicodeEscape())
                default: throw failure("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
            case 0x00..<0x20:
                throw failure("a control character (such as a raw newline or tab) inside a string must be escaped")
            default:
                utf8.append(byte)
            }
        }
    }

    /// `\uXXXX`, with surrogate pairs combined; a lone surrogate is an error (serde agrees).
    private mutating func parseUnicodeEscape() throws -> [UInt8] {
        let high = try parseHex4()
        var scalarValue = high
        if (0xD800...0xDBFF).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("unpaired surrogate \\u\(String(high, radix: 16)) in a string")
            }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate \\u\(String(high, radix: 16)) in a string") }
            scalarValue = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(high) {
            throw failure("unpaired surrogate \\u\(String(high, radix: 16)) in a string")
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("invalid \\u escape") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
