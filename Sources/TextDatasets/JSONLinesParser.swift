import ExactJSON

/// Reads JSON Lines (one object per line, blank lines skipped) or a JSON array of objects into
/// a `RawTable`, with ExactJSON's reader (the project's one JSON reader for files): not
/// Foundation's `JSONSerialization`, which turns `1`, `1.0` and `true` alike into `NSNumber`
/// (integer, float and boolean labels must stay apart) and whose errors name no line.
///
///     let table = try JSONLinesParser.parse(Array("{\"text\": \"fine\", \"label\": 1}\n".utf8),
///                                           source: "train.jsonl")
///     // table.header == ["text", "label"], table.rows[0].fields == [.text("fine"), .text("1")]
///
/// Grammar: RFC 8259 values; numbers are kept as their literal text; strings decode every
/// escape including surrogate pairs; a key repeated in one object is an error. Scalars become `.text`, `null` `.missing`, an array of
/// scalars `.list`, an object or nested array `.unsupported`. The header is the union of keys
/// in order of first appearance; a key absent from a line is `.missing` there.
public enum JSONLinesParser {
    /// Parses `bytes` (the whole file). `rowLimit` stops after that many objects.
    public static func parse(_ bytes: [UInt8], source: String, rowLimit: Int? = nil) throws -> RawTable {
        var reader = OrderedJSONReader(bytes: bytes, startingAt: try TextFileDecoding.contentStart(bytes, source: source))
        var header: [String] = []
        var columnOfKey: [String: Int] = [:]
        var objects: [(line: Int, members: [(key: String, value: OrderedJSON)])] = []

        func addObject(_ value: OrderedJSON, line: Int) throws {
            guard case .object(let members) = value else {
                throw DatasetError.format("\(source), line \(line): expected a JSON object like {\"text\": ..., \"label\": ...}, found \(value.kindName)")
            }
            for member in members where columnOfKey[member.key] == nil {
                columnOfKey[member.key] = header.count
                header.append(member.key)
            }
            objects.append((line, members))
        }

        do {
            reader.skipWhitespace()
            if reader.peek() == UInt8(ascii: "[") {
                // A JSON array of objects (what `json.dump(list_of_dicts)` writes), read element by
                // element so that each row knows its line.
                let opening = reader.index
                _ = reader.consume(UInt8(ascii: "["))
                reader.skipWhitespace()
                if !reader.consume(UInt8(ascii: "]")) {
                    while true {
                        reader.skipWhitespace()
                        if reader.atEnd { throw reader.failure("the array is never closed (missing ']')", at: opening) }
                        let line = reader.line
                        let element = try reader.readValue()
                        if rowLimit.map({ objects.count < $0 }) ?? true { try addObject(element, line: line) }
                        reader.skipWhitespace()
                        if reader.consume(UInt8(ascii: ",")) { continue }
                        if reader.consume(UInt8(ascii: "]")) { break }
                        if reader.atEnd { throw reader.failure("the array is never closed (missing ']')", at: opening) }
                        throw reader.failure("expected ',' or ']' in the array")
                    }
                }
                reader.skipWhitespace()
                guard reader.atEnd else { throw reader.failure("unexpected text after the closing ]") }
            } else {
                while !reader.atEnd {
                    if let rowLimit, objects.count >= rowLimit { break }
                    let line = reader.line
                    try addObject(try reader.readValue(), line: line)
                    reader.skipWhitespace(stopAtLineEnd: true)
                    if let next = reader.peek(), next != UInt8(ascii: "\n"), next != UInt8(ascii: "\r") {
                        throw reader.failure("expected one JSON object per line; more text follows the object")
                    }
                    reader.skipWhitespace()
                }
            }
        } catch let error as OrderedJSONError {
            throw DatasetError.format("\(source), line \(error.line), column \(error.column): \(error.reason)")
        }
        guard !header.isEmpty || !objects.isEmpty else {
            throw DatasetError.format("\(source) is empty: expected one JSON object per line")
        }
        let rows = objects.map { object -> RawTable.Row in
            var fields = [RawTable.Cell](repeating: .missing, count: header.count)
            for member in object.members {
                fields[columnOfKey[member.key]!] = member.value.rawTableCell
            }
            return RawTable.Row(line: object.line, fields: fields)
        }
        return RawTable(header: header, rows: rows, source: source)
    }
}

extension OrderedJSON {
    /// A scalar's text (`true` stays the word, a number its literal); nil for null, arrays, objects.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// The value as a dataset cell: scalars as text, `null` missing, an array of scalars a list,
    /// anything deeper unsupported (named in the loader's error).
    var rawTableCell: RawTable.Cell {
        switch self {
        case .null: return .missing
        case .object: return .unsupported(kind: "an object")
        case .array(let elements):
            let texts = elements.compactMap(\.scalarText)
            return texts.count == elements.count ? .list(texts) : .unsupported(kind: "a nested array")
        case .string, .number, .bool: return .text(scalarText!)
        }
    }
}
