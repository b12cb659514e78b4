import Foundation
import Display

/// The `OutputSink` of one executing cell: publishes `stream`, `display_data`,
/// `update_display_data` and `clear_output` on IOPub with the `execute_request` as parent.
/// A silent execution publishes nothing. After `close()` (the cell returned) late writes from
/// stray threads are dropped rather than attributed to the next cell's output area.
final class IOPubOutputSink: OutputSink {
    private weak var kernel: Kernel?
    private let parent: JSON
    private let silent: Bool
    private let lock = NSLock()
    private var closed = false

    init(kernel: Kernel, parent: JSON, silent: Bool) {
        self.kernel = kernel
        self.parent = parent
        self.silent = silent
    }

    func close() {
        lock.lock(); closed = true; lock.unlock()
    }

    private func publish(_ type: String, _ content: JSON) {
        guard !silent else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !closed, let kernel else { return }
        kernel.publish(type, content: content, parent: parent)
    }

    func stream(_ name: StreamName, _ text: String) {
        guard !text.isEmpty else { return }
        publish("stream", ["name": .string(name.rawValue), "text": .string(text)])
    }

    func display(_ bundle: MimeBundle, displayID: String?) {
        var content: [String: JSON] = ["data": .object(bundle.data), "metadata": .object(bundle.metadata)]
        content["transient"] = displayID.map { ["display_id": .string($0)] } ?? [:]
        publish("display_data", .object(content))
    }

    func updateDisplay(_ bundle: MimeBundle, displayID: String) {
        publish("update_display_data", [
            "data": .object(bundle.data), "metadata": .object(bundle.metadata),
            "transient": ["display_id": .string(displayID)],
        ])
    }

    func clearOutput(wait: Bool) {
        publish("clear_output", ["wait": .bool(wait)])
    }
}
