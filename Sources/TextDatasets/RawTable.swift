/// A table as read from a file, before columns are chosen: the header and each data row's
/// cells, with the 1-based line where each row starts so errors can name it.
public struct RawTable: Sendable {
    /// One value. CSV and TSV give only `.text`; JSON gives numbers as their literal text
    /// (`1`, `0.5`) so that labels are read the same way from every format.
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A JSON array of scalars (a multi-label label).
        case list([String])
        /// JSON `null` or a key absent from this line.
        case missing
        /// A JSON object or nested array; `kind` says which, for the error message.
        case unsupported(kind: String)
    }

    /// One data row. `line` is the physical line of the file where the row starts (a quoted
    /// CSV field may span several lines).
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var fields: [Cell]
        public init(line: Int, fields: [Cell]) {
            self.line = line
            self.fields = fields
        }
    }

    /// Column names in file order (for JSON, keys in order of first appearance).
    public var header: [String]
    public var rows: [Row]
    /// What the rows came from, for messages ("reviews.csv").
    public var source: String

    public init(header: [String], rows: [Row], source: String) {
        self.header = header
        self.rows = rows
        self.source = source
    }

    /// The index of column `name`, or an error listing the columns there are (and the
    /// near miss when only the letter case differs).
    public func columnIndex(_ name: String, role: String) throws -> Int {
        let matches = header.indices.filter { header[$0] == name }
        if matches.count > 1 {
            throw DatasetError.format(
                "\(source): column '\(name)' appears \(matches.count) times in the header (columns \(matches.map { String($0 + 1) }.joined(separator: ", "))); rename one")
        }
        if let index = matches.first { return index }
        var message = "\(source): no \(role) column '\(name)'; the columns are \(header.map { "'\($0)'" }.joined(separator: ", "))"
        if let nearMiss = header.first(where: { $0.lowercased() == name.lowercased() }) {
            message += " (did you mean '\(nearMiss)'?)"
        }
        throw DatasetError.argument(message)
    }
}
