import Foundation
import Display

/// The kernel core, as xeus's `xkernel_core`: answers requests, publishes status around each
/// one, counts executions, keeps history, and asks the `Interpreter` only about code. It knows
/// nothing of ZeroMQ: the server (or a test) hands it parsed messages with `handle(_:on:)` and
/// it answers through its `KernelTransport`.
///
///     let kernel = Kernel(interpreter: engine, transport: server)
///     kernel.start()                                  // status: starting
///     kernel.handle(request, on: .shell)              // busy, outputs, reply, idle
///     kernel.shellQueueDrained()                      // ends stop-on-error aborting
///
/// Threads: shell requests arrive on one thread, control requests on another, concurrently.
/// Calls into the interpreter (except `interrupt`) are serialised by a lock, so a control
/// request that needs the interpreter waits for the running cell.
public final class Kernel {
    public static let implementation = "bert-kernel"
    public static let implementationVersion = "0.1.0"

    let interpreter: Interpreter
    let transport: KernelTransport
    let headers: HeaderFactory
    let log: (String) -> Void

    /// Guards `executionCount`, `history` and `abortingQueuedCells`.
    let stateLock = NSLock()
    var executionCount = 0
    var history = HistoryStore()
    /// Set when a cell fails with `stop_on_error`; queued `execute_request`s are then answered
    /// with an error until the server reports the shell queue empty.
    var abortingQueuedCells = false
    /// Serialises `execute`, `complete`, `inspect`, `isComplete` and `restart`.
    let interpreterLock = NSLock()

    public init(interpreter: Interpreter, transport: KernelTransport, username: String = "kernel",
                log: @escaping (String) -> Void = Kernel.logToStandardError) {
        self.interpreter = interpreter
        self.transport = transport
        self.headers = HeaderFactory(username: username)
        self.log = log
    }

    public static func logToStandardError(_ line: String) {
        FileHandle.standardError.write(Data("bert-kernel: \(line)\n".utf8))
    }

    /// The kernel's session id (new after a restart).
    public var sessionID: String { headers.sessionID }

    /// The count of the last stored execution.
    public var currentExecutionCount: Int {
        stateLock.lock(); defer { stateLock.unlock() }
        return executionCount
    }

    /// Publishes `status: starting`, once, before serving.
    public func start() {
        publish("status", content: ["execution_state": "starting"], parent: [:])
    }

    /// Asks the running cell to stop (SIGINT, `interrupt_request`). Safe from any thread.
    public func interrupt() { interpreter.interrupt() }

    /// The server found no further request waiting on shell: stop aborting queued cells.
    public func shellQueueDrained() {
        stateLock.lock(); defer { stateLock.unlock() }
        abortingQueuedCells = false
    }

    /// Answers one request, wrapped in `status: busy` / `idle` with the request as parent.
    public func handle(_ request: Message, on channel: Channel) {
        publishStatus("busy", parent: request.header)
        defer { publishStatus("idle", parent: request.header) }

        switch MessageType(msgType: request.msgType) {
        case .kernelInfoRequest: reply(to: request, on: channel, content: kernelInfo())
        case .executeRequest: execute(request, on: channel)
        case .isCompleteRequest: isComplete(request, on: channel)
        case .completeRequest: complete(request, on: channel)
        case .inspectRequest: inspect(request, on: channel)
        case .historyRequest: historyReply(request, on: channel)
        case .commInfoRequest: reply(to: request, on: channel, content: ["status": "ok", "comms": [:]])
        case .commOpen: rejectComm(request)
        case .commMsg, .commClose: break  // no comm is ever open; nothing to answer
        case .shutdownRequest: shutdown(request, on: channel)
        case .interruptRequest:
            interpreter.interrupt()
            reply(to: request, on: channel, content: ["status": "ok"])
        case .inputReply: log("ignoring input_reply: this kernel never asks for input")
        case .unknown(let type): log("ignoring unknown message type '\(type)' on \(channel.rawValue)")
        }
    }

    // MARK: - Sending

    /// `<request type>_reply` on the request's channel, to the request's identities.
    func reply(to request: Message, on channel: Channel, content: JSON, metadata: JSON = [:]) {
        let type = request.msgType.hasSuffix("_request")
            ? String(request.msgType.dropLast("_request".count)) + "_reply"
            : request.msgType + "_reply"
        let message = Message(identities: request.identities, header: headers.header(msgType: type),
                              parentHeader: request.header, metadata: metadata, content: content)
        transport.send(message, on: channel)
    }

    /// An IOPub message whose topic is `kernel.<session>.<msg_type>`, as ipykernel names them.
    func publish(_ msgType: String, content: JSON, parent: JSON) {
        let header = headers.header(msgType: msgType)
        let topic = "kernel.\(header["session"]?.stringValue ?? "").\(msgType)"
        transport.send(Message(identities: [Data(topic.utf8)], header: header, parentHeader: parent, content: content),
                       on: .iopub)
    }

    func publishStatus(_ state: String, parent: JSON) {
        publish("status", content: ["execution_state": .string(state)], parent: parent)
    }

    func withInterpreter<T>(_ body: () -> T) -> T {
        interpreterLock.lock(); defer { interpreterLock.unlock() }
        return body()
    }
}
