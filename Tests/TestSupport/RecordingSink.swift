import Display
import Foundation

/// An `OutputSink` that records every call, for assertions. Thread-safe.
public final class RecordingSink: OutputSink {
    public enum Event: Equatable {
        case stream(StreamName, String)
        case display(MimeBundle, String?)
        case update(MimeBundle, String)
        case clear(Bool)
    }

    private let lock = NSLock()
    private var recorded: [Event] = []

    public init() {}

    public var events: [Event] { lock.withLock { recorded } }

    public var stdout: String {
        events.compactMap { if case .stream(.stdout, let t) = $0 { return t } else { return nil } }.joined()
    }

    public var stderr: String {
        events.compactMap { if case .stream(.stderr, let t) = $0 { return t } else { return nil } }.joined()
    }

    public func stream(_ name: StreamName, _ text: String) { lock.withLock { recorded.append(.stream(name, text)) } }
    public func display(_ bundle: MimeBundle, displayID: String?) { lock.withLock { recorded.append(.display(bundle, displayID)) } }
    public func updateDisplay(_ bundle: MimeBundle, displayID: String) { lock.withLock { recorded.append(.update(bundle, displayID)) } }
    public func clearOutput(wait: Bool) { lock.withLock { recorded.append(.clear(wait)) } }
}
