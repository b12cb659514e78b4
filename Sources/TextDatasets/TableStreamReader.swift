import ExactJSON
import Foundation

/// Reads a CSV, TSV or JSON Lines file one row at a time, a chunk of bytes at a time, so that
/// a file of any size is read in bounded memory (the chunk plus the current row). For
/// `predict(file:)`; `TextDataset.load` reads whole files with `DelimitedTextParser` and
/// `JSONLinesParser`, whose rules this follows (RFC 4180 CSV, unquoted TSV, one JSON object per
/// line; a UTF-8 byte order mark skipped; blank lines skipped; CRLF, LF or CR line ends).
///
///     let reader = try TableStreamReader(path: "new.csv")
///     reader.header                        // ["review", "stars"]
///     while let item = try reader.next() {
///         switch item {
///         case .row(let row): print(row.line, row.cells)
///         case .unreadable(let line, let reason): print("line \(line): \(reason)")
///         }
///     }
///
/// A row that cannot be read (wrong number of fields, bad quoting, invalid UTF-8, bad JSON) is
/// an `.unreadable` item naming its line, and reading goes on at the next row. What cannot be
/// resynchronised throws: a quoted field never closed (it would run to the end of the file), a
/// row longer than `maxRowBytes`, an empty or UTF-16 file, a JSON array instead of JSON Lines.
///
/// JSON Lines: the header is the union of keys in order of first appearance (it grows as rows
/// bring new keys); `Row.cells` follows the header as it was when the row was read, so a row
/// may be shorter than a later header (the rest is `.missing`).
public final class TableStreamReader {
    public enum Item: Equatable {
        case row(Row)
        case unreadable(line: Int, reason: String)
    }

    public struct Row: Equatable {
        /// The 1-based line of the file where the row starts.
        public var line: Int
        /// By header column; for JSON Lines possibly fewer than the header (the rest are absent).
        public var cells: [TableCell]

        public func cell(_ column: Int) -> TableCell { column < cells.count ? cells[column] : .missing }
    }

    public let path: String
    public let format: TextDataset.FileFormat
    /// Column names (JSON keys), known after `init` (for JSON Lines: the first readable line's keys).
    public private(set) var header: [String] = []
    /// The longest row accepted, in bytes: a longer one is almost surely an unclosed quote.
    public let maxRowBytes: Int

    private let handle: FileHandle
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEndOfFile = false
    private var line = 1
    /// The last row ended with a CR: an LF right after it is part of that line end.
    private var swallowLineFeed = false
    private var columnOfKey: [String: Int] = [:]
    /// Items read ahead while looking for the JSON Lines header.
    private var pending: [Item] = []

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let quote = UInt8(ascii: "\"")

    /// Opens `path` (its format from the extension, as `load(dataset:)`) and reads the header.
    public init(path: String, chunkSize: Int = 1 << 20, maxRowBytes: Int = 16 << 20) throws {
        try TextFileDecoding.checkIsFile(path: path)
        self.path = path
        self.format = try TextDataset.FileFormat(path: path)
        self.chunkSize = max(1, chunkSize)
        self.maxRowBytes = maxRowBytes
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DatasetError.file("cannot read \(path) (check its permissions)")
        }
        self.handle = handle
        try readStart()
    }

    deinit { try? handle.close() }

    /// The next row or unreadable row; nil at the end of the file.
    public func next() throws -> Item? {
        if !pending.isEmpty { return pending.removeFirst() }
        guard let record = try nextRecord() else { return nil }
        return parse(record)
    }

    /// Counts the rows left (readable or not) without parsing them: one pass over the bytes,
    /// for a progress display's total. Consumes the reader. `check` runs every 4096 rows (an
    /// interrupt check: a million rows take a few seconds).
    public func countRemainingRows(check: () throws -> Void = {}) throws -> Int {
        var count = pending.count
        pending.removeAll()
        while try nextRecord() != nil {
            count += 1
            if count % 4096 == 0 { try check() }
        }
        return count
    }

    // MARK: the start of the file

    private func readStart() throws {
        _ = try fill(atLeast: 3)
        if buffer.count >= 2, (buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF) {
            throw DatasetError.format("\(path) is UTF-16 encoded; save it as UTF-8")
        }
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        switch format {
        case .csv, .tsv:
            guard let record = try nextRecord() else {
                throw DatasetError.format("\(path) is empty: expected a header line naming the columns")
            }
            guard TextFileDecoding.isValidUTF8(record.bytes) else {
                throw DatasetError.format("\(path), line \(record.line): not valid UTF-8; save the file as UTF-8")
            }
            switch splitFields(record.bytes) {
            case .success(let fields): header = fields
            case .failure(let failure):
                throw DatasetError.format("\(path), line \(record.line): the header line cannot be read: \(failure.reason)")
            }
        case .jsonl:
            var unreadable = 0
            while let record = try nextRecord() {
                if pending.isEmpty, record.bytes.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) == UInt8(ascii: "[") {
                    throw DatasetError.format("\(path) is a JSON array; predict(file:) streams JSON Lines (one object per line): "
                                              + "write one object per line, or load it whole with load(dataset:)")
                }
                let item = parse(record)
                pending.append(item)
                if case .row = item { break }
                unreadable += 1
                if unreadable >= 1000, case .unreadable(let line, let reason)? = pending.first {
                    throw DatasetError.format("\(path): none of the first \(unreadable) lines is a JSON object that can be read "
                                              + "(line \(line): \(reason))")
                }
            }
            if pending.isEmpty {
                throw DatasetError.format("\(path) is empty: expected one JSON object per line")
            }
        }
    }

    // MARK: records

    private struct Record {
        var line: Int
        var bytes: ArraySlice<UInt8>
    }

    /// Makes `buffer[position...]` hold at least `count` bytes if the file has them; false when
    /// nothing is left.
    @discardableResult
    private func fill(atLeast count: Int) throws -> Bool {
        while buffer.count - position < count, !atEndOfFile {
            try readChunk()
        }
        return buffer.count > position
    }

    /// Appends the next chunk, first dropping the bytes before `position` (consumed), so the
    /// buffer holds about one chunk plus the current record.
    private func readChunk() throws {
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        let data: Data?
        do {
            data = try handle.read(upToCount: chunkSize)
        } catch {
            throw DatasetError.file("cannot read \(path): \(error.localizedDescription)")
        }
        guard let data, !data.isEmpty else {
            atEndOfFile = true
            return
        }
        buffer.append(contentsOf: data)
    }

    /// The next non-blank record's bytes (without its line end) and its first line.
    private func nextRecord() throws -> Record? {
        // Skip blank lines.
        while try fill(atLeast: 1) {
            let byte = buffer[position]
            if byte == Self.lineFeed {
                position += 1
                if swallowLineFeed { swallowLineFeed = false } else { line += 1 }
            } else if byte == Self.carriageReturn {
                position += 1
                line += 1
                swallowLineFeed = true
            } else {
                swallowLineFeed = false
                break
            }
        }
        guard position < buffer.count else { return nil }
        let delimiter = format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ",")
        let quoting = format == .csv
        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        // `position` stays at the record's start while scanning (a chunk read moves both).
        var index = position
        var end: Int?
        scan: while true {
            while index < buffer.count {
                let byte = buffer[index]
                let isLineEnd = byte == Self.lineFeed || byte == Self.carriageReturn
                if !quoting {
                    if isLineEnd { end = index; break scan }
                    index += 1
                    continue
                }
                switch state {
                case .fieldStart:
                    if byte == Self.quote { state = .quoted } else if byte == delimiter { state = .fieldStart }
                    else if isLineEnd { end = index; break scan } else { state = .unquoted }
                case .unquoted:
                    if byte == delimiter { state = .fieldStart } else if isLineEnd { end = index; break scan }
                case .quoted:
                    if byte == Self.quote { state = .quoteInQuoted }
                case .quoteInQuoted:
                    if byte == Self.quote { state = .quoted } else if byte == delimiter { state = .fieldStart }
                    else if isLineEnd { end = index; break scan } else { state = .unquoted }
                }
                index += 1
            }
            if index - position > maxRowBytes {
                throw DatasetError.format("\(path), line \(line): a row longer than \(maxRowBytes >> 20) MB"
                                          + (state == .quoted ? "; a quoted field is probably never closed (a quote inside a quoted field must be doubled, \"\")" : ""))
            }
            if atEndOfFile { break scan }
            let offset = index - position
            try readChunk()
            index = position + offset
        }
        if end == nil, state == .quoted {
            throw DatasetError.format(
                "\(path), line \(line): a quoted field is never closed; a quote inside a quoted field must be doubled (\"\")")
        }
        let recordEnd = end ?? buffer.count
        let bytes = buffer[position..<recordEnd]
        let record = Record(line: line, bytes: bytes)
        // Line breaks inside quoted fields.
        var inner = 0
        var previousWasCR = false
        for byte in bytes {
            if byte == Self.lineFeed { if !previousWasCR { inner += 1 } } else if byte == Self.carriageReturn { inner += 1 }
            previousWasCR = byte == Self.carriageReturn
        }
        line += inner
        position = recordEnd
        if let end {
            position = end + 1
            line += 1
            swallowLineFeed = buffer[end] == Self.carriageReturn
        }
        return record
    }

    // MARK: parsing one record

    private struct FieldFailure: Error { var reason: String }

    private func parse(_ record: Record) -> Item {
        guard TextFileDecoding.isValidUTF8(record.bytes) else {
            return .unreadable(line: record.line, reason: "not valid UTF-8")
        }
        switch format {
        case .csv, .tsv:
            switch splitFields(record.bytes) {
            case .failure(let failure): return .unreadable(line: record.line, reason: failure.reason)
            case .success(let fields):
                guard fields.count == header.count else {
                    let hint = format == .csv ? "a comma inside a field must be in a quoted field"
                                              : "TSV has no quoting, so a field cannot hold a tab"
                    return .unreadable(line: record.line, reason: "\(fields.count) field\(fields.count == 1 ? "" : "s"), "
                                       + "but the header has \(header.count) (\(hint))")
                }
                return .row(Row(line: record.line, cells: fields.map { .text($0) }))
            }
        case .jsonl:
            var reader = OrderedJSONReader(bytes: Array(record.bytes))
            do {
                reader.skipWhitespace()
                let value = try reader.readValue()
                reader.skipWhitespace()
                guard reader.atEnd else {
                    return .unreadable(line: record.line, reason: "expected one JSON object per line; more text follows the object")
                }
                guard case .object(let members) = value else {
                    return .unreadable(line: record.line, reason: "expected a JSON object like {\"text\": ...}, found \(value.kindName)")
                }
                var cells = [TableCell](repeating: .missing, count: header.count)
                for (key, member) in members {
                    if let column = columnOfKey[key] {
                        cells[column] = member.tableCell
                    } else {
                        columnOfKey[key] = header.count
                        header.append(key)
                        cells.append(member.tableCell)
                    }
                }
                return .row(Row(line: record.line, cells: cells))
            } catch let error as OrderedJSONError {
                // The reader numbers the lines of what it was given, one record: the record's own
                // line is the file's.
                return .unreadable(line: record.line, reason: "column \(error.column): \(error.reason)")
            } catch {
                return .unreadable(line: record.line, reason: "\(error)")
            }
        }
    }

    /// The fields of one CSV or TSV record (no line end inside, except in quoted CSV fields).
    private func splitFields(_ bytes: ArraySlice<UInt8>) -> Result<[String], FieldFailure> {
        let delimiter = format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ",")
        guard format == .csv else {
            return .success(bytes.split(separator: delimiter, omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) })
        }
        var fields: [String] = []
        var index = bytes.startIndex
        let end = bytes.endIndex
        var scratch: [UInt8] = []
        while true {
            if index < end, bytes[index] == Self.quote {
                index += 1
                scratch.removeAll(keepingCapacity: true)
                while index < end {
                    if bytes[index] == Self.quote {
                        if index + 1 < end, bytes[index + 1] == Self.quote {
                            scratch.append(Self.quote)
                            index += 2
                            continue
                        }
                        break
                    }
                    scratch.append(bytes[index])
                    index += 1
                }
                index += 1   // the closing quote (the scanner saw it)
                fields.append(String(decoding: scratch, as: UTF8.self))
                if index >= end { return .success(fields) }
                guard bytes[index] == delimiter else {
                    return .failure(FieldFailure(reason: "unexpected text after the closing quote of field \(fields.count); "
                                                 + "a quote inside a quoted field must be doubled (\"\")"))
                }
                index += 1
                if index == end { fields.append(""); return .success(fields) }
            } else {
                let start = index
                while index < end, bytes[index] != delimiter { index += 1 }
                fields.append(String(decoding: bytes[start..<index], as: UTF8.self))
                if index >= end { return .success(fields) }
                index += 1
                if index == end { fields.append(""); return .success(fields) }
            }
        }
    }
}
