/// Reads CSV (RFC 4180) and TSV (GLUE style) into a `RawTable`.
///
///     let table = try DelimitedTextParser.parse(Array("text,label\n\"a, b\",pos\n".utf8),
///                                               dialect: .csv, source: "reviews.csv")
///     // table.header == ["text", "label"], table.rows[0].fields == ["a, b", "pos"]
///
/// Why our own parser and not SwiftCSV 0.10.0 or yaslab/CSV.swift 2.5.2: SwiftCSV's state
/// machine (`ParsingState.swift`; each point checked by running it) drops the leading spaces
/// of unquoted fields (`"  padded"` -> `"padded"`), throws on a quote inside an unquoted field
/// (so it cannot read GLUE TSVs, whose text holds raw `"`), accepts an unterminated quoted
/// field as data, pads short rows with "" instead of rejecting them, and its errors carry no
/// line number. CSV.swift is RFC-correct but reports neither line numbers nor ragged
/// rows, and counting physical lines around it would mean re-scanning every quoted field.
/// The grammar is small; this parser walks UTF-8 bytes once, keeps the physical line of each
/// record for error messages, and is fast enough for SST-2 (3.4 MB) in a few tens of ms.
///
/// CSV rules (RFC 4180 plus what spreadsheets write): fields separated by `,`, records by
/// LF, CRLF or CR; a field starting with `"` is quoted, may hold commas, newlines and `""`
/// (one quote); anything but `,` or a line end after a closing quote is an error; a `"`
/// inside an unquoted field is kept literally (as Python's `csv` does); spaces are kept.
///
/// TSV rules (IANA text/tab-separated-values; GLUE's loaders read with `quotechar=None`):
/// fields separated by tabs, records by line ends, no quoting at all: a `"` is text. A field
/// cannot hold a tab or a newline.
///
/// Both: a UTF-8 byte order mark is skipped; blank lines are skipped (as pandas and Python's
/// `csv.DictReader` do); the first record is the header; every later record must have as
/// many fields as the header, or the error names its line.
public enum DelimitedTextParser {
    public enum Dialect: Sendable {
        case csv
        case tsv

        var delimiter: UInt8 { self == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t") }
        var name: String { self == .csv ? "CSV" : "TSV" }
    }

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let quote = UInt8(ascii: "\"")

    /// Parses `bytes` (the whole file). `rowLimit` stops after that many data rows.
    public static func parse(_ bytes: [UInt8], dialect: Dialect, source: String, rowLimit: Int? = nil) throws -> RawTable {
        let start = try TextFileDecoding.contentStart(bytes, source: source)
        let n = bytes.count
        let delimiter = dialect.delimiter
        let quoting = dialect == .csv
        var position = start
        var line = 1
        var header: [String]?
        var rows: [RawTable.Row] = []
        var fields: [String] = []
        var scratch: [UInt8] = []

        /// Steps over one line end (CRLF counts once) at `position`.
        func consumeLineEnd() {
            if bytes[position] == carriageReturn, position + 1 < n, bytes[position + 1] == lineFeed {
                position += 2
            } else {
                position += 1
            }
            line += 1
        }

        while position < n {
            if header != nil, let rowLimit, rows.count >= rowLimit { break }
            if bytes[position] == lineFeed || bytes[position] == carriageReturn {
                consumeLineEnd()    // blank line
                continue
            }
            let recordLine = line
            fields.removeAll(keepingCapacity: true)
            record: while true {
                if quoting, position < n, bytes[position] == quote {
                    let openingLine = line
                    position += 1
                    scratch.removeAll(keepingCapacity: true)
                    var closed = false
                    while position < n {
                        let byte = bytes[position]
                        if byte == quote {
                            if position + 1 < n, bytes[position + 1] == quote {
                                scratch.append(quote)
                                position += 2
                                continue
                            }
                            position += 1
                            closed = true
                            break
                        }
                        if byte == lineFeed || (byte == carriageReturn && !(position + 1 < n && bytes[position + 1] == lineFeed)) {
                            line += 1
                        }
                        scratch.append(byte)
                        position += 1
                    }
                    guard closed else {
                        throw DatasetError.format(
                            "\(source), line \(openingLine): a quoted field is never closed; a quote inside a quoted field must be doubled (\"\")")
                    }
                    fields.append(String(decoding: scratch, as: UTF8.self))
                    if position >= n { break record }
                    let next = bytes[position]
                    if next == delimiter {
                        position += 1
                        continue record
                    }
                    if next == lineFeed || next == carriageReturn {
                        consumeLineEnd()
                        break record
                    }
                    throw DatasetError.format(
                        "\(source), line \(line): unexpected text after the closing quote of field \(fields.count); a quote inside a quoted field must be doubled (\"\")")
                } else {
                    let fieldStart = position
                    while position < n {
                        let byte = bytes[position]
                        if byte == delimiter || byte == lineFeed || byte == carriageReturn { break }
                        position += 1
                    }
                    fields.append(String(decoding: bytes[fieldStart..<position], as: UTF8.self))
                    if position >= n { break record }
                    if bytes[position] == delimiter {
                        position += 1
                        continue record
                    }
                    consumeLineEnd()
                    break record
                }
            }
            guard let header else {
                header = fields
                continue
            }
            guard fields.count == header.count else {
                let hint = dialect == .csv
                    ? "a comma inside a field must be in a quoted field"
                    : "TSV has no quoting, so a field cannot hold a tab"
                throw DatasetError.format(
                    "\(source), line \(recordLine): \(fields.count) field\(fields.count == 1 ? "" : "s"), but the header has \(header.count) (\(hint))")
            }
            rows.append(RawTable.Row(line: recordLine, fields: fields.map { .text($0) }))
        }
        guard let header else {
            throw DatasetError.format("\(source) is empty: expected a header line naming the columns")
        }
        return RawTable(header: header, rows: rows, source: source)
    }
}
