import Foundation

/// Everything a user can cause in this target: bad config files, checkpoints that do not fit the
/// config, batches that do not fit the model. Each message names the file, key or tensor.
public struct BertError: Error, CustomStringConvertible, LocalizedError, Equatable {
    public enum Kind: String, Equatable {
        /// A missing or unreadable file.
        case file
        /// A file whose content is malformed or does not fit (config keys, tensor shapes).
        case format
        /// A batch, label or option that does not fit the model.
        case argument
        /// A loss or gradient that is not finite.
        case numeric
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}
