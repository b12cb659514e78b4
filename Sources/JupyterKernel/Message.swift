import Foundation
import Dispatch
import Display

/// One Jupyter message, parsed: the routing identities, the four JSON parts and the binary
/// buffers (jupyter_client `docs/messaging.rst`, "The Wire Protocol").
///
///     let reply = Message(identities: request.identities, header: header.json,
///                         parentHeader: request.header, content: ["status": "ok"])
///
/// `header` and `parentHeader` are kept as JSON objects so that a request's header is echoed
/// back as the parent of every reply and output exactly as the client sent it.
public struct Message: Equatable {
    /// ZeroMQ routing prefixes (ROUTER identities) or, on IOPub, the topic.
    public var identities: [Data]
    public var header: JSON
    public var parentHeader: JSON
    public var metadata: JSON
    public var content: JSON
    public var buffers: [Data]
    /// When the server read the message off its socket (monotonic clock), or nil for a message
    /// built in process. Stop-on-error uses it to tell a request that was already waiting when a
    /// cell's error reply went out from one that came later (`StopOnError`).
    public var receivedAt: DispatchTime?

    public init(identities: [Data] = [], header: JSON, parentHeader: JSON = [:], metadata: JSON = [:],
                content: JSON = [:], buffers: [Data] = [], receivedAt: DispatchTime? = nil) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
        self.receivedAt = receivedAt
    }

    /// `header.msg_type`, or "" when absent.
    public var msgType: String { header["msg_type"]?.stringValue ?? "" }
    /// `header.msg_id`, or "" when absent.
    public var msgID: String { header["msg_id"]?.stringValue ?? "" }
}
