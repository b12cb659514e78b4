import ExactJSON
import Foundation

/// Writes rows of `TableCell`s as CSV, TSV or JSON Lines, buffered (about 1 MB at a time), for
/// `predict(file:)`'s scored copy of a file.
///
///     let writer = try TableStreamWriter(path: "scored.csv.partial", format: .csv, columns: ["text", "predicted"])
///     try writer.write([.text("a fine film"), .text("positive")])
///     try writer.close()
///
/// CSV: a field is quoted when it holds a comma, a quote, CR or LF (Python's `QUOTE_MINIMAL`),
/// quotes doubled. TSV has no quoting: tabs and line ends inside a value become spaces. Both:
/// numbers as their literal, lists joined with `|` (pandas' `str.get_dummies` separator),
/// absent values empty, other JSON values as JSON text. JSON Lines: one object per row with
/// the columns as keys in order, absent values left out.
public final class TableStreamWriter {
    public let path: String
    public let format: TextDataset.FileFormat
    /// The header of CSV/TSV output; for JSON Lines, the keys of every row written with `write(_:)`.
    public let columns: [String]

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let flushSize = 1 << 20

    /// Creates (or truncates) the file at `path` and, for CSV/TSV, writes the header.
    public init(path: String, format: TextDataset.FileFormat, columns: [String]) throws {
        self.path = path
        self.format = format
        self.columns = columns
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw DatasetError.file("cannot write \(path) (check the folder's permissions)")
        }
        self.handle = handle
        buffer.reserveCapacity(flushSize + 4096)
        if format != .jsonl { appendDelimited(columns.map { .text($0) }) }
    }

    deinit { try? handle.close() }

    /// Writes one row, a cell per column (missing trailing cells are absent).
    public func write(_ cells: [TableCell]) throws {
        try write(cells, keys: columns)
    }

    /// JSON Lines only: one row with its own keys (a file whose lines have different keys).
    public func write(_ cells: [TableCell], keys: [String]) throws {
        switch format {
        case .csv, .tsv:
            precondition(keys.count == columns.count, "a CSV/TSV row has the header's columns")
            var row = cells
            if row.count < columns.count { row += [TableCell](repeating: .missing, count: columns.count - row.count) }
            appendDelimited(row)
        case .jsonl:
            var first = true
            buffer.append(UInt8(ascii: "{"))
            for (key, cell) in zip(keys, cells) {
                guard let json = Self.jsonText(cell) else { continue }
                if !first { buffer.append(contentsOf: ", ".utf8) }
                first = false
                buffer.append(contentsOf: JSONStringLiteral.quoted(key).utf8)
                buffer.append(contentsOf: ": ".utf8)
                buffer.append(contentsOf: json.utf8)
            }
            buffer.append(contentsOf: "}\n".utf8)
        }
        if buffer.count >= flushSize { try flush() }
    }

    /// Writes what is buffered and closes the file.
    public func close() throws {
        try flush()
        do { try handle.synchronize() } catch {}
        try handle.close()
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw DatasetError.file("cannot write \(path): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func appendDelimited(_ cells: [TableCell]) {
        let delimiter = format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ",")
        for (i, cell) in cells.enumerated() {
            if i > 0 { buffer.append(delimiter) }
            let text: String
            switch cell {
            case .text(let value), .number(let value), .json(let value): text = value
            case .list(let items): text = items.joined(separator: "|")
            case .missing: text = ""
            }
            if format == .tsv {
                for byte in text.utf8 {
                    buffer.append(byte == UInt8(ascii: "\t") || byte == 0x0A || byte == 0x0D ? UInt8(ascii: " ") : byte)
                }
            } else if text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                buffer.append(UInt8(ascii: "\""))
                for byte in text.utf8 {
                    if byte == UInt8(ascii: "\"") { buffer.append(byte) }
                    buffer.append(byte)
                }
                buffer.append(UInt8(ascii: "\""))
            } else {
                buffer.append(contentsOf: text.utf8)
            }
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// A cell as a JSON value's text; nil for an absent one.
    static func jsonText(_ cell: TableCell) -> String? {
        switch cell {
        case .text(let text): return JSONStringLiteral.quoted(text)
        case .number(let literal), .json(let literal): return literal
        case .list(let items): return "[" + items.map(JSONStringLiteral.quoted).joined(separator: ", ") + "]"
        case .missing: return nil
        }
    }
}
