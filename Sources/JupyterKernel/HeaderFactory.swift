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

    /// The wall clock in seconds since 1970, the scale of `seconds(fromISO8601:)`.
    public static func currentSeconds() -> Double {
        let ts = currentTime()
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Seconds since 1970 of a header `date`, or nil when it is not ISO 8601 with a time zone.
    /// Reads what clients write: jupyter_client `2026-11-27T17:04:49.123456Z` (or `+00:00`),
    /// JupyterLab's `Date.toISOString()` `2026-11-27T17:04:49.123Z`, any offset `+HH:MM`,
    /// `+HHMM`, any number of fractional digits. A date without a zone is refused rather than
    /// guessed at: the stop-on-error rule that uses it then falls back to the queue.
    public static func seconds(fromISO8601 text: String) -> Double? {
        let s = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= s.count else { return nil }
            var value = 0
            for _ in 0..<width {
                guard (48...57).contains(s[i]) else { return nil }
                value = value * 10 + Int(s[i] - 48)
                i += 1
            }
            return value
        }
        func skip(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), skip(45), let month = number(2), skip(45), let day = number(2),
              skip(84) || skip(116) || skip(32),
              let hour = number(2), skip(58), let minute = number(2), skip(58), let second = number(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var fraction = 0.0
        if skip(46) {
            var scale = 0.1
            let start = i
            while i < s.count, (48...57).contains(s[i]) {
                fraction += Double(s[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if skip(90) || skip(122) {
            offset = 0
        } else if i < s.count, s[i] == 43 || s[i] == 45 {
            let sign = s[i] == 45 ? -1 : 1
            i += 1
            guard let hours = number(2) else { return nil }
            _ = skip(58)
            guard let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard i == s.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Double(timegm(&parts) - offset) + fraction
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
