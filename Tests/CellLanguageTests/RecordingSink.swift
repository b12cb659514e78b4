import Display
import Foundation
@testable import CellLanguage

/// An `OutputSink` that records every call, for assertions. Thread-safe.
final class RecordingSink: OutputSink {
    enum Event: Equatable {
        case stream(StreamName, String)
        case display(MimeBundle, String?)
        case update(MimeBundle, String)
        case clear(Bool)
    }

    private let lock = NSLock()
    private var recorded: [Event] = []

    var events: [Event] { lock.withLock { recorded } }

    var stdout: String {
        events.compactMap { if case .stream(.stdout, let t) = $0 { return t } else { return nil } }.joined()
    }

    var stderr: String {
        events.compactMap { if case .stream(.stderr, let t) = $0 { return t } else { return nil } }.joined()
    }

    func stream(_ name: StreamName, _ text: String) { lock.withLock { recorded.append(.stream(name, text)) } }
    func display(_ bundle: MimeBundle, displayID: String?) { lock.withLock { recorded.append(.display(bundle, displayID)) } }
    func updateDisplay(_ bundle: MimeBundle, displayID: String) { lock.withLock { recorded.append(.update(bundle, displayID)) } }
    func clearOutput(wait: Bool) { lock.withLock { recorded.append(.clear(wait)) } }
}

extension CellOutcome {
    var value: MimeBundle? {
        if case .success(let value, _) = self { return value }
        return nil
    }

    var pages: [MimeBundle] {
        if case .success(_, let pages) = self { return pages }
        return []
    }

    var error: CellError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
