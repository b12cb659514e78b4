/// Reads JSON Lines (one object per line, blank lines skipped) or a JSON array of objects into
/// a `RawTable`. Written here rather than with Foundation's `JSONSerialization` because that
/// turns `1` and `1.0` alike into `NSNumber` (integer vs float labels must stay apart) and its
/// errors name no line.
///
///     let table = try JSONLinesParser.parse(Array("{\"text\": \"fine\", \"label\": 1}\n".utf8),
///                                           source: "train.jsonl")
///     // table.header == ["text", "label"], table.rows[0].fields == [.text("fine"), .text("1")]
///
/// Grammar: RFC 8259 values; numbers are kept as their literal text; strings decode every
/// escape including surrogate pairs. Scalars become `.text`, `null` `.missing`, an array of
/// scalars `.list`, an object or nested array `.unsupported`. The header is the union of keys
/// in order of first appearance; a key absent from a line is `.missing` there.
public enum JSONLinesParser {
    /// Parses `bytes` (the whole file). `rowLimit` stops after that many objects.
    public static func parse(_ bytes: [UInt8], source: String, rowLimit: Int? = nil) throws -> RawTable {
        var reader = JSONReader(bytes: bytes, position: try TextFileDecoding.contentStart(bytes, source: source), source: source)
        var header: [String] = []
        var columnOfKey: [String: Int] = [:]
        var objects: [(line: Int, members: [(String, JSONReader.Value)])] = []

        func addObject(_ value: JSONReader.Value, line: Int) throws {
            guard case .object(let members) = value else {
                throw DatasetError.format("\(source), line \(line): expected a JSON object like {\"text\": ..., \"label\": ...}, found \(value.kindName)")
            }
            for (key, _) in members where columnOfKey[key] == nil {
                columnOfKey[key] = header.count
                header.append(key)
            }
            objects.append((line, members))
        }

        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "[") {
            // A JSON array of objects (what `json.dump(list_of_dicts)` writes).
            let arrayLine = reader.line
            guard case .array(let elements, let lines) = try reader.readValue() else {
                throw DatasetError.format("\(source), line \(arrayLine): expected an array of objects")
            }
            for (element, line) in zip(elements, lines) {
                if let rowLimit, objects.count >= rowLimit { break }
                try addObject(element, line: line)
            }
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.error("unexpected text after the closing ]") }
        } else {
            while !reader.atEnd {
                if let rowLimit, objects.count >= rowLimit { break }
                let line = reader.line
                let value = try reader.readValue()
                try addObject(value, line: line)
                reader.skipWhitespace(stopAtNewline: true)
                if !reader.atEnd, reader.peek() != UInt8(ascii: "\n"), reader.peek() != UInt8(ascii: "\r") {
                    throw reader.error("expected one JSON object per line; more text follows the object")
                }
                reader.skipWhitespace()
            }
        }
        guard !header.isEmpty || !objects.isEmpty else {
            throw DatasetError.format("\(source) is empty: expected one JSON object per line")
        }
        let rows = objects.map { object -> RawTable.Row in
            var fields = [RawTable.Cell](repeating: .missing, count: header.count)
            for (key, value) in object.members {
                fields[columnOfKey[key]!] = value.cell
            }
            return RawTable.Row(line: object.line, fields: fields)
        }
        return RawTable(header: header, rows: rows, source: source)
    }
}

/// A small RFC 8259 reader over UTF-8 bytes that counts lines (JSON strings cannot hold a raw
/// newline, so every newline is between tokens).
struct JSONReader {
    indirect enum Value {
        case string(String)
        /// The literal text of the number, e.g. "1", "-0.5", "2e3".
        case number(String)
        case bool(Bool)
        case null
        /// Elements and the line each starts on.
        case array([Value], lines: [Int])
        case object([(String, Value)])

        var kindName: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            case .array: "an array"
            case .object: "an object"
            }
        }

        var scalarText: String? {
            switch self {
            case .string(let text), .number(let text): text
            case .bool(let flag): flag ? "true" : "false"
            case .null, .array, .object: nil
            }
        }

        var cell: RawTable.Cell {
            switch self {
            case .null: return .missing
            case .object: return .unsupported(kind: "an object")
            case .array(let elements, _):
                let texts = elements.compactMap(\.scalarText)
                return texts.count == elements.count ? .list(texts) : .unsupported(kind: "a nested array")
            case .string, .number, .bool: return .text(scalarText!)
            }
        }
    }

    /// Deepest nesting read. A cell of a dataset is a scalar or a list of scalars, so anything
    /// past depth 2 is `.unsupported` anyway; the limit keeps a hostile line (`[[[[...` 400,000
    /// deep) from overflowing the stack, which killed the kernel with SIGSEGV (issue 13).
    static let maxDepth = 128

    let bytes: [UInt8]
    var position: Int
    let source: String
    private(set) var line = 1
    private var depth = 0

    init(bytes: [UInt8], position: Int, source: String) {
        self.bytes = bytes
        self.position = position
        self.source = source
    }

    var atEnd: Bool { position >= bytes.count }
    func peek() -> UInt8? { atEnd ? nil : bytes[position] }

    func error(_ what: String) -> DatasetError {
        DatasetError.format("\(source), line \(line): \(what)")
    }

    mutating func skipWhitespace(stopAtNewline: Bool = false) {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"): position += 1
            case UInt8(ascii: "\r"):
                if stopAtNewline { return }
                position += 1
                if peek() != UInt8(ascii: "\n") { line += 1 }
            case UInt8(ascii: "\n"):
                if stopAtNewline { return }
                position += 1
                line += 1
            default: return
            }
        }
    }

    mutating func readValue() throws -> Value {
        skipWhitespace()
        guard let byte = peek() else { throw error("unexpected end of file; expected a JSON value") }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < Self.maxDepth else {
                throw error("arrays and objects nested more than \(Self.maxDepth) deep; a label is a value or a list of values")
            }
            depth += 1
            defer { depth -= 1 }
            return byte == UInt8(ascii: "{") ? try readObject() : try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw error("unexpected character '\(Character(Unicode.Scalar(byte)))'; expected a JSON value")
        }
    }

    private mutating func expectWord(_ word: String) throws {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
            throw error("invalid literal; expected \(word)")
        }
        position += utf8.count
    }

    private mutating func readObject() throws -> Value {
        let openingLine = line
        position += 1   // {
        var members: [(String, Value)] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            if atEnd { throw DatasetError.format("\(source), line \(openingLine): the object is never closed (missing '}')") }
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a quoted key in the object") }
            let key = try readString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
            position += 1
            let value = try readValue()
            if members.contains(where: { $0.0 == key }) { throw error("the key \"\(key)\" appears twice in one object") }
            members.append((key, value))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            case nil: throw DatasetError.format("\(source), line \(openingLine): the object is never closed (missing '}')")
            default: throw error("expected ',' or '}' in the object (is a line cut short?)")
            }
        }
    }

    private mutating func readArray() throws -> Value {
        let openingLine = line
        position += 1   // [
        var elements: [Value] = []
        var lines: [Int] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { position += 1; return .array(elements, lines: lines) }
        while true {
            skipWhitespace()
            if atEnd { throw DatasetError.format("\(source), line \(openingLine): the array is never closed (missing ']')") }
            lines.append(line)
            elements.append(try readValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(elements, lines: lines)
            case nil: throw DatasetError.format("\(source), line \(openingLine): the array is never closed (missing ']')")
            default: throw error("expected ',' or ']' in the array")
            }
        }
    }

    private mutating func readNumber() throws -> String {
        let start = position
        func digits() -> Int {
            let from = position
            while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
            return position - from
        }
        if peek() == UInt8(ascii: "-") { position += 1 }
        let integerDigits = digits()
        guard integerDigits > 0 else { throw error("invalid number") }
        if integerDigits > 1, bytes[position - integerDigits] == UInt8(ascii: "0") { throw error("invalid number: leading zero") }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("invalid number: no digits after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("invalid number: no digits in the exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func readString() throws -> String {
        position += 1   // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = position
        var text = ""
        func flushRun() {
            if runStart < position { text += String(decoding: bytes[runStart..<position], as: UTF8.self) }
        }
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                flushRun()
                position += 1
                return text
            case UInt8(ascii: "\\"):
                flushRun()
                position += 1
                guard let escape = peek() else { break }
                position += 1
                switch escape {
                case UInt8(ascii: "\""): text += "\""
                case UInt8(ascii: "\\"): text += "\\"
                case UInt8(ascii: "/"): text += "/"
                case UInt8(ascii: "b"): text += "\u{08}"
                case UInt8(ascii: "f"): text += "\u{0C}"
                case UInt8(ascii: "n"): text += "\n"
                case UInt8(ascii: "r"): text += "\r"
                case UInt8(ascii: "t"): text += "\t"
                case UInt8(ascii: "u"):
                    var code = try readHex4()
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate must be followed by \u and a low surrogate.
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate \\u\(String(code, radix: 16)) in a string")
                        }
                        position += 2
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in a string") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape in a string") }
                    scalars.removeAll()
                    scalars.append(scalar)
                    text += String(scalars)
                default:
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                }
                runStart = position
            case 0x00..<0x20:
                throw error("a control character (such as a raw newline or tab) inside a string must be escaped")
            default:
                position += 1
            }
        }
        throw error("a string is never closed (missing \")")
    }

    private mutating func readHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count,
              bytes[position..<position + 4].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
              let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
            throw error("invalid \\u escape: expected four hex digits")
        }
        position += 4
        return code
    }
}
