import Display
import Foundation

/// An `OutputSink` for a terminal: streams to stdout/stderr, displays as their `text/plain`.
/// Progress displays updated in place are redrawn on one line when stdout is a terminal and
/// otherwise printed once, in their final state, when the next output arrives or at `flush()`.
public final class TerminalOutputSink: OutputSink {
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var pending: [(id: String, text: String)] = []
    private var liveLine: String?

    public init() {}

    deinit { flush() }

    private func write(_ text: String, to handle: FileHandle) {
        handle.write(Data(text.utf8))
    }

    /// Prints the final state of updated displays not shown yet.
    public func flush() {
        if isTerminal, liveLine != nil {
            write("\n", to: .standardOutput)
            liveLine = nil
        }
        for item in pending { write(item.text + "\n", to: .standardOutput) }
        pending = []
    }

    public func stream(_ name: StreamName, _ text: String) {
        flush()
        write(text, to: name == .stdout ? .standardOutput : .standardError)
    }

    public func display(_ bundle: MimeBundle, displayID: String?) {
        flush()
        let text = bundle.plainText ?? ""
        if let displayID {
            if isTerminal {
                write(text, to: .standardOutput)
                liveLine = displayID
            } else {
                pending.append((displayID, text))
            }
        } else {
            write(text + "\n", to: .standardOutput)
        }
    }

    public func updateDisplay(_ bundle: MimeBundle, displayID: String) {
        let text = bundle.plainText ?? ""
        if isTerminal, liveLine == displayID {
            write("\r\u{1B}[K" + text, to: .standardOutput)
        } else if let i = pending.firstIndex(where: { $0.id == displayID }) {
            pending[i].text = text
        } else {
            flush()
            pending.append((displayID, text))
        }
    }

    public func clearOutput(wait: Bool) {}
}
