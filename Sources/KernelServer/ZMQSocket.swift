import Foundation
import CZeroMQ

/// A failed libzmq call, with `zmq_strerror`'s text.
public struct ZMQError: Error, CustomStringConvertible {
    public let description: String

    init(_ what: String) {
        description = "\(what): \(String(cString: zmq_strerror(zmq_errno())))"
    }
}

/// One libzmq socket. Not thread-safe (libzmq sockets are not): each is used by one thread
/// at a time, handed over only across a thread start or join.
final class ZMQSocket {
    private(set) var handle: UnsafeMutableRawPointer?

    init(context: UnsafeMutableRawPointer, type: Int32) throws {
        guard let handle = zmq_socket(context, type) else { throw ZMQError("zmq_socket") }
        self.handle = handle
    }

    deinit { close() }

    func close() {
        if let handle { zmq_close(handle) }
        handle = nil
    }

    func setOption(_ option: Int32, _ value: Int32) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError("zmq_setsockopt(\(option))")
        }
    }

    func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("cannot bind \(endpoint)") }
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) for a message to read.
    func waitReadable(timeoutMilliseconds: Int) -> Bool {
        ZMQSocket.poll([self], timeoutMilliseconds: timeoutMilliseconds).first ?? false
    }

    /// Which of `sockets` have a message to read after waiting up to `timeoutMilliseconds`.
    static func poll(_ sockets: [ZMQSocket], timeoutMilliseconds: Int) -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let n = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        guard n > 0 else { return Array(repeating: false, count: sockets.count) }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }

    /// Reads every frame of the next message (blocking).
    func receiveMultipart() throws -> [Data] {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            guard zmq_msg_recv(&message, handle, 0) >= 0 else { throw ZMQError("zmq_msg_recv") }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    func sendMultipart(_ frames: [Data]) throws {
        for (i, frame) in frames.enumerated() {
            let flags = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { raw in zmq_send(handle, raw.baseAddress, raw.count, flags) }
            guard sent >= 0 else { throw ZMQError("zmq_send") }
        }
    }
}
