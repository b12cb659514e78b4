/// What went wrong talking to the hub, in words that say what to do.
public struct HubError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No such repository (404 or 401 with `X-Error-Code: RepoNotFound`); close names if the hub gave any.
        case repositoryNotFound(suggestions: [String])
        /// A gated or private repository, or a token the hub refused.
        case unauthorized
        case revisionNotFound
        /// The hub could not be reached (no network, DNS, refused, timed out).
        case unreachable
        /// A download that did not match its sha256 or size.
        case integrity
        /// Any other answer or failure.
        case other
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
