import Foundation
import JupyterKernel

/// Sends IOPub messages from one thread, in the order they were queued, whatever thread
/// produced them (the shell thread, the control thread, a cell's worker threads).
///
/// A PUB socket silently drops messages past its high-water mark (1000 by default) when a
/// subscriber is slow, so stream output is batched: adjacent `stream` messages of the same
/// cell and stream name are merged into one, and while only stream text is waiting, it is sent
/// at most every `streamInterval`. Any other message (an `idle`, a display) flushes at once, so
/// a short cell's output is never delayed.
final class IOPubPublisher {
    private let socket: ZMQSocket
    private let codec: WireCodec
    private let log: (String) -> Void
    private let streamInterval: TimeInterval
    private let condition = NSCondition()
    private var queue: [Message] = []
    private var stopping = false
    private var finished = false
    private var lastStreamSent = Date.distantPast

    init(socket: ZMQSocket, codec: WireCodec, streamInterval: TimeInterval = 0.01, log: @escaping (String) -> Void) {
        self.socket = socket
        self.codec = codec
        self.streamInterval = streamInterval
        self.log = log
    }

    func enqueue(_ message: Message) {
        condition.lock()
        if !stopping { queue.append(message) }
        condition.signal()
        condition.unlock()
    }

    /// Sends what is queued, then returns from `run`; waits up to `timeout` for that.
    func stop(timeout: TimeInterval) {
        condition.lock()
        stopping = true
        condition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while !finished, condition.wait(until: deadline) {}
        condition.unlock()
    }

    /// The publishing thread's body.
    func run() {
        condition.lock()
        while true {
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping { break }
            let onlyStream = queue.allSatisfy { $0.msgType == "stream" }
            let nextStreamTime = lastStreamSent.addingTimeInterval(streamInterval)
            if onlyStream && !stopping && Date() < nextStreamTime {
                _ = condition.wait(until: nextStreamTime)  // let more text (or a flushing message) arrive
                continue
            }
            let batch = IOPubPublisher.coalesce(queue)
            queue.removeAll(keepingCapacity: true)
            condition.unlock()
            var sentStream = false
            for message in batch {
                do { try socket.sendMultipart(codec.encode(message)) } catch { log("iopub: \(error)") }
                if message.msgType == "stream" { sentStream = true }
            }
            condition.lock()
            if sentStream { lastStreamSent = Date() }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Merges runs of adjacent `stream` messages with the same parent and stream name.
    static func coalesce(_ messages: [Message]) -> [Message] {
        var out: [Message] = []
        out.reserveCapacity(messages.count)
        for message in messages {
            if message.msgType == "stream", var last = out.last, last.msgType == "stream",
               last.parentHeader["msg_id"] == message.parentHeader["msg_id"],
               last.content["name"] == message.content["name"],
               let earlier = last.content["text"]?.stringValue, let later = message.content["text"]?.stringValue,
               case .object(var content) = last.content {
                content["text"] = .string(earlier + later)
                last.content = .object(content)
                out[out.count - 1] = last
            } else {
                out.append(message)
            }
        }
        return out
    }
}
