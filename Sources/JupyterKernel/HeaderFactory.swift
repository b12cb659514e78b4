import Foundation
import Display

/// Makes the headers of the messages the kernel sends: a unique `msg_id` (the kernel session
/// id and a counter, as ipykernel does), the kernel's `session`, an ISO 8601 UTC `date` with
/// microseconds (jupyter_client parses at most 6 fractional digits) and `version` "5.3"
/// (without it jupyter_client treats the message as protocol 4). Thread-safe.
public final class HeaderFactory {
    public static let protocolVersion = "5.3"

    private let lock = NSLock()
    private var session: String
    private var counter = 0
    public let username: String

    public init(username: String = "kernel") {
        self.username = username
        session = HeaderFactory.newSessionID()
    }

    /// The kernel's own session id (not the client's).
    public var sessionID: String {
        lock.lock(); defer { lock.unlock() }
        return session
    }

    /// Starts a new session (kernel restart): later headers carry a new id.
    public func renewSession() {
        lock.lock(); defer { lock.unlock() }
        session = HeaderFactory.newSessionID()
        counter = 0
    }

    public func header(msgType: String) -> JSON {
        lock.lock()
        counter += 1
        let id = "\(session)_\(counter)"
        let session = self.session
        lock.unlock()
        return .object([
            "msg_id": .string(id),
            "session": .string(session),
            "username": .string(username),
            "date": .string(HeaderFactory.now()),
            "msg_type": .string(msgType),
            "version": .string(HeaderFactory.protocolVersion),
        ])
    }

    static func newSessionID() -> String { UUID().uuidString.lowercased() }

    /// The current time as `2026-11-27T17:04:49.123456Z`.
    public static func now() -> String { iso8601(clock: currentTime()) }

    static func currentTime() -> timespec {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return ts
    }

    /// `seconds` since the epoch in UTC with microseconds (nanoseconds truncated).
    static func iso8601(clock ts: timespec) -> String {
        var seconds = time_t(ts.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let micros = Int(ts.tv_nsec) / 1000
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
            + ".\(pad(micros, 6))Z"
    }
}
