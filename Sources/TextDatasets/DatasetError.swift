/// Every failure a user can cause while loading data, splitting it or building pre-training
/// examples. `description` is the sentence shown in the notebook; `kind` picks the SPEC's
/// `ename` (`FileError`, `FormatError`, `ArgumentError`).
///
///     do { _ = try TextDataset.load(dataset: "reviews.csv") }
///     catch let error as DatasetError { print(error.kind.rawValue, error) }
public struct DatasetError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Which of the SPEC's error names this failure maps to.
    public enum Kind: String, Sendable {
        /// A file is missing or unreadable.
        case file = "FileError"
        /// A file was read but its content is wrong (quoting, ragged rows, bad JSON, labels).
        case format = "FormatError"
        /// An argument is wrong (unknown column, validation fraction out of range, ...).
        case argument = "ArgumentError"
    }

    public let kind: Kind
    /// The full message, naming the file, column and line where there is one.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func file(_ message: String) -> DatasetError { DatasetError(.file, message) }
    static func format(_ message: String) -> DatasetError { DatasetError(.format, message) }
    static func argument(_ message: String) -> DatasetError { DatasetError(.argument, message) }
}
