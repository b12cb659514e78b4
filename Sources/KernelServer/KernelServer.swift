import Foundation
import Dispatch
import CZeroMQ
import JupyterKernel

/// Serves a `Kernel` over ZeroMQ as the connection file says: ROUTER sockets for shell,
/// control and stdin, PUB for IOPub, and a heartbeat that echoes. Each has its own thread:
///
/// - shell: reads requests and runs them one at a time (cells run here);
/// - control: `interrupt_request` and `shutdown_request` are answered while a cell runs;
/// - heartbeat: echoes every frame, so a long cell never looks like a dead kernel;
/// - IOPub: one publisher thread (`IOPubPublisher`) with stream batching.
///
/// SIGINT interrupts the running cell instead of killing the process. A malformed message
/// (bad signature, a header that does not parse, missing frames, replayed signature) is dropped
/// with one line on stderr; a signed one whose header reads but whose content does not is
/// answered with an error (`Kernel.handleUnreadable`). Before each shell reply the server reads
/// the requests already waiting, so stop-on-error knows which were queued before an error
/// reply (`StopOnError`). `serve()` returns after a `shutdown_request` has been answered.
///
///     let server = try KernelServer(connection: ConnectionInfo(contentsOf: path), interpreter: engine)
///     server.serve()
public final class KernelServer: KernelTransport {
    private let context: UnsafeMutableRawPointer
    private let shell: ZMQSocket
    private let control: ZMQSocket
    private let stdin: ZMQSocket
    private let iopub: ZMQSocket
    private let heartbeat: ZMQSocket
    private let codec: WireCodec
    private let publisher: IOPubPublisher
    private let log: (String) -> Void
    private var kernel: Kernel?
    /// Shell requests read off the socket but not yet handled, oldest first, with the time they
    /// were read. Touched by the shell thread only (`sendReply` on shell runs there too).
    private var pendingShell: [(frames: [Data], receivedAt: DispatchTime)] = []

    private let stateLock = NSLock()
    private var stopping = false
    private let stopRequested = DispatchSemaphore(value: 0)
    private var signalSource: DispatchSourceSignal?

    /// How long an idle socket thread sleeps in `zmq_poll` before checking for shutdown.
    private let pollMilliseconds = 100

    public init(connection: ConnectionInfo, interpreter: Interpreter,
                log: @escaping (String) -> Void = Kernel.logToStandardError) throws {
        guard let context = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        self.context = context
        self.log = log
        shell = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        control = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        stdin = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        iopub = try ZMQSocket(context: context, type: ZMQ_PUB)
        heartbeat = try ZMQSocket(context: context, type: ZMQ_ROUTER)
        let ports = [(shell, connection.shellPort), (control, connection.controlPort), (stdin, connection.stdinPort),
                     (iopub, connection.iopubPort), (heartbeat, connection.heartbeatPort)]
        for (socket, port) in ports {
            // Let the last reply and `idle` leave after shutdown, but never hang on exit.
            try socket.setOption(ZMQ_LINGER, 1000)
            try socket.bind(connection.endpoint(port: port))
        }
        codec = WireCodec(key: connection.key)
        if connection.key.isEmpty {
            // As jupyter_client's `Session.__init__` warns: anyone who can reach the ports can
            // then run cells as this user.
            log("Message signing is disabled (the connection file's key is empty). This is insecure and not recommended!")
        }
        publisher = IOPubPublisher(socket: iopub, codec: codec, log: log)
        kernel = Kernel(interpreter: interpreter, transport: self, username: ProcessInfo.processInfo.environment["USER"] ?? "kernel",
                        log: log)
    }

    // MARK: - KernelTransport

    public func send(_ message: Message, on channel: Channel) {
        switch channel {
        case .iopub: publisher.enqueue(message)
        // Replies are sent by the thread that handles the request, which owns that socket.
        case .shell:
            // Read what is already waiting first, so that each request's `receivedAt` says
            // whether it was queued before this reply left (stop-on-error's rule 1).
            readWaitingShellRequests()
            sendReply(message, on: shell, name: "shell")
        case .control: sendReply(message, on: control, name: "control")
        case .stdin: sendReply(message, on: stdin, name: "stdin")
        }
    }

    public func shutdown(restart: Bool) {
        stateLock.lock()
        let first = !stopping
        stopping = true
        stateLock.unlock()
        if first { stopRequested.signal() }
    }

    private var isStopping: Bool {
        stateLock.lock(); defer { stateLock.unlock() }
        return stopping
    }

    private func sendReply(_ message: Message, on socket: ZMQSocket, name: String) {
        do { try socket.sendMultipart(codec.encode(message)) } catch { log("\(name): cannot send \(message.msgType): \(error)") }
    }

    // MARK: - Serving

    /// Serves until a `shutdown_request`, then closes the sockets and returns.
    public func serve() {
        guard let kernel else { return }
        let shellDone = startThread(name: "shell") { self.serveShell(kernel) }
        let controlDone = startThread(name: "control") { self.serveRequests(on: self.control, channel: .control, kernel) }
        let heartbeatDone = startThread(name: "heartbeat") { self.echoHeartbeats() }
        let publisher = self.publisher
        _ = startThread(name: "iopub") { publisher.run() }
        installInterruptHandler(kernel)
        watchParentProcess()
        kernel.start()

        stopRequested.wait()
        kernel.interrupt()  // a cell still running stops at its next check
        let shellStopped = shellDone.wait(timeout: .now() + 3) == .success
        let othersStopped = controlDone.wait(timeout: .now() + 1) == .success
            && heartbeatDone.wait(timeout: .now() + 1) == .success
        publisher.stop(timeout: 2)
        signalSource?.cancel()
        guard shellStopped && othersStopped else {
            log("a cell did not stop within 3 s of shutdown; leaving without closing sockets")
            return
        }
        for socket in [shell, control, stdin, iopub, heartbeat] { socket.close() }
        zmq_ctx_term(context)
    }

    /// Runs `body` on a new thread with a stack large enough for a recursive-descent parser.
    private func startThread(name: String, _ body: @escaping () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.name = name
        thread.stackSize = 64 << 20
        thread.start()
        return done
    }

    /// SIGINT (Ctrl-C in a terminal front end, or `interrupt_mode: signal`) interrupts the
    /// cell; ignoring the default action keeps the process alive.
    private func installInterruptHandler(_ kernel: Kernel) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue.global())
        source.setEventHandler { [log] in
            log("SIGINT: interrupting the running cell")
            kernel.interrupt()
        }
        source.resume()
        signalSource = source
    }

    /// Ends the kernel when the process that started it is gone, as ipykernel's
    /// `ParentPollerUnix` does: jupyter_client puts its pid in `JPY_PARENT_PID`, and a kernel
    /// orphaned by a crashed notebook server would otherwise hold its ports forever.
    private func watchParentProcess() {
        guard let value = ProcessInfo.processInfo.environment["JPY_PARENT_PID"], let parent = Int32(value),
              parent > 1, getppid() == parent else { return }
        _ = startThread(name: "parent-watch") { [weak self] in
            while let self, !self.isStopping {
                if getppid() != parent {
                    self.log("parent process \(parent) is gone; shutting down")
                    self.shutdown(restart: false)
                    return
                }
                usleep(500_000)
            }
        }
    }

    /// Reads one multipart message off `socket` and decodes it. A message whose header is
    /// readable but whose content is not is answered with an error by the kernel; anything else
    /// malformed is dropped with one log line.
    private func receive(on socket: ZMQSocket, name: String) -> Message? {
        do {
            return try decode(socket.receiveMultipart(), receivedAt: .now(), name: name)
        } catch {
            log("\(name): receive failed: \(error)")
            return nil
        }
    }

    private func decode(_ frames: [Data], receivedAt: DispatchTime, name: String) -> Message? {
        do {
            var message = try codec.decode(frames)
            message.receivedAt = receivedAt
            return message
        } catch let unreadable as UnreadableMessage {
            log("\(name): answering an unreadable message with an error: \(unreadable)")
            let channel = Channel(rawValue: name) ?? .shell
            if channel != .stdin { kernel?.handleUnreadable(unreadable, on: channel) }
        } catch {
            log("\(name): dropped a malformed message: \(error)")
        }
        return nil
    }

    /// Moves every message already waiting on the shell socket into `pendingShell`.
    private func readWaitingShellRequests() {
        while shell.waitReadable(timeoutMilliseconds: 0) {
            do {
                pendingShell.append((try shell.receiveMultipart(), .now()))
            } catch {
                log("shell: receive failed: \(error)")
                return
            }
        }
    }

    /// The oldest shell request: one read ahead, else one from the socket.
    private func nextShellRequest() -> Message? {
        if !pendingShell.isEmpty {
            let (frames, receivedAt) = pendingShell.removeFirst()
            return decode(frames, receivedAt: receivedAt, name: "shell")
        }
        return receive(on: shell, name: "shell")
    }

    private func serveShell(_ kernel: Kernel) {
        while !isStopping {
            let ready = ZMQSocket.poll([shell, stdin], timeoutMilliseconds: pendingShell.isEmpty ? pollMilliseconds : 0)
            // This language never asks for input, so nothing on stdin is expected.
            if ready[1], let message = receive(on: stdin, name: "stdin") {
                log("stdin: ignoring \(message.msgType)")
            }
            guard ready[0] || !pendingShell.isEmpty else { continue }
            if let message = nextShellRequest() {
                kernel.handle(message, on: .shell)
            }
        }
    }

    private func serveRequests(on socket: ZMQSocket, channel: Channel, _ kernel: Kernel) {
        while !isStopping {
            guard socket.waitReadable(timeoutMilliseconds: pollMilliseconds) else { continue }
            if let message = receive(on: socket, name: channel.rawValue) {
                kernel.handle(message, on: channel)
            }
        }
    }

    /// Echoes each heartbeat back to its sender (the ROUTER identity frame routes it).
    private func echoHeartbeats() {
        while !isStopping {
            guard heartbeat.waitReadable(timeoutMilliseconds: pollMilliseconds) else { continue }
            do { try heartbeat.sendMultipart(heartbeat.receiveMultipart()) } catch { log("heartbeat: \(error)") }
        }
    }
}
