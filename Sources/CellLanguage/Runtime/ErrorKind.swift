/// The fixed set of error names a failing cell reports (SPEC section 4, "Errors").
public enum ErrorKind: String, CaseIterable, Sendable {
    /// The cell cannot be parsed.
    case syntax = "SyntaxError"
    /// An unknown command or name.
    case name = "NameError"
    /// A wrong, missing or unknown argument, or a value out of range.
    case argument = "ArgumentError"
    /// A file or directory that is missing, unreadable or unwritable.
    case file = "FileError"
    /// A file whose content is malformed (CSV, JSON, safetensors, config).
    case format = "FormatError"
    /// The session is not ready for the command ("no model is loaded").
    case state = "StateError"
    /// NaN or infinite numbers, shape mismatches found while computing.
    case numeric = "NumericError"
    /// The user interrupted the cell.
    case interrupt = "KeyboardInterrupt"
}

/// An error of the typed Swift API on `Session` and of command handlers.
///
///     throw SessionError(.state, "no model is loaded; run load(model: ...) first")
///     throw SessionError(.file, "no such file: reviews.csv", argument: "dataset")
///
/// `argument` names the parameter at fault; the cell traceback then puts its caret under that
/// argument instead of under the whole call.
public struct SessionError: Error, Equatable, CustomStringConvertible {
    public var kind: ErrorKind
    public var message: String
    public var argument: String?

    public init(_ kind: ErrorKind, _ message: String, argument: String? = nil) {
        self.kind = kind
        self.message = message
        self.argument = argument
    }

    public static let interrupted = SessionError(.interrupt, "the cell was interrupted")

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Errors of other modules (checkpoint loading, datasets, tokenizers) conform to this in
/// CellLanguage so that the engine can report them under the right name:
///
///     extension CheckpointError: CellErrorConvertible {
///         public var sessionError: SessionError { SessionError(.format, description) }
///     }
///
/// Errors that do not conform are reported as `StateError` with their description.
public protocol CellErrorConvertible: Error {
    var sessionError: SessionError { get }
}

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
