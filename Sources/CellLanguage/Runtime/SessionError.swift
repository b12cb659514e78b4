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
