/// A tokenizer failure a user can cause: a missing or malformed vocabulary or configuration
/// file (named, with the key or line), or a truncation that cannot be satisfied.
public struct WordPieceError: Error, CustomStringConvertible, Equatable {
    /// The file involved, if any.
    public let file: String?
    public let reason: String

    public init(file: String? = nil, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String {
        if let file { return "\(file): \(reason)" }
        return reason
    }
}
