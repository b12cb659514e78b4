/// What a failing cell reports: one of the fixed `ename`s, a message a person understands, and
/// a traceback showing the offending source line with a caret under the offending spot.
public struct CellError: Error, Equatable, CustomStringConvertible {
    public let ename: String
    public let evalue: String
    public let traceback: [String]

    public init(ename: String, evalue: String, traceback: [String]) {
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback
    }

    public var description: String { traceback.joined(separator: "\n") }
}

/// An error tied to a place in the cell, before it becomes a `CellError`.
struct LocatedError: Error {
    var kind: ErrorKind
    var message: String
    var range: SourceRange?

    init(_ kind: ErrorKind, _ message: String, at range: SourceRange?) {
        self.kind = kind
        self.message = message
        self.range = range
    }

    /// `kind: message` followed by the source line and a caret line, e.g.
    ///
    ///     line 2, column 7:
    ///       print(trian)
    ///             ^^^^^
    ///     NameError: unknown name 'trian'; did you mean 'train'?
    func cellError(source: String) -> CellError {
        var traceback: [String] = []
        if let range {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            let lineIndex = range.start.line - 1
            if lineIndex < lines.count {
                let text = String(lines[lineIndex])
                let lineLength = text.unicodeScalars.count
                let startColumn = min(range.start.column, lineLength + 1)
                let endColumn = range.end.line == range.start.line ? range.end.column : lineLength + 1
                let width = max(1, min(endColumn, lineLength + 1) - startColumn)
                // Tabs keep their width in the caret line so the caret stays under its column.
                let lead = text.unicodeScalars.prefix(startColumn - 1).map { $0 == "\t" ? "\t" : " " }.joined()
                traceback.append("line \(range.start.line), column \(range.start.column):")
                traceback.append("    " + text)
                traceback.append("    " + lead + String(repeating: "^", count: width))
            }
        }
        traceback.append("\(kind.rawValue): \(message)")
        return CellError(ename: kind.rawValue, evalue: message, traceback: traceback)
    }
}
