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

    /// Guards `executionCount`, `history` and `abortRule`.
    let stateLock = NSLock()
    var executionCount = 0
    var history = HistoryStore()
    /// Set when a cell fails with `stop_on_error`: says which later `execute_request`s were sent
    /// before the client could have seen the error, and are aborted.
    var abortRule: StopOnError?
    /// Serialises `execute`, `complete`, `inspect`, `isComplete` and `restart`.
    let interpreterLock = NSLock()
    /// How long the reply of a cell that stops the queue is held (`StopOnError.replyHold`; 0 in
    /// tests over a fake transport, where nothing arrives meanwhile).
    let errorReplyHold: Double

    public init(interpreter: Interpreter, transport: KernelTransport, username: String = "kernel",
                errorReplyHold: Double = StopOnError.replyHold,
                log: @escaping (String) -> Void = Kernel.logToStandardError) {
        self.interpreter = interpreter
        self.transport = transport
        self.headers = HeaderFactory(username: username)
        self.errorReplyHold = errorReplyHold
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

    /// Answers a signed message whose header could be read but whose content could not (see
    /// `UnreadableMessage`): busy, an error reply (an `execute_request` also gets an `error`
    /// output, so the notebook shows why the cell did not run), idle. Without this the front end
    /// would wait for the reply forever. Messages that get no reply anyway are only logged.
    public func handleUnreadable(_ unreadable: UnreadableMessage, on channel: Channel) {
        let request = unreadable.message
        publishStatus("busy", parent: request.header)
        defer { publishStatus("idle", parent: request.header) }
        let evalue = "the \(request.msgType) could not be read, so nothing was done: \(unreadable.problem)"
        switch MessageType(msgType: request.msgType) {
        case .executeRequest:
            if abortIfSentBeforeAnError(request, on: channel) { return }
            rejectExecute(request, on: channel, ename: "FormatError", evalue: evalue, silent: false, stopOnError: true)
        case .commOpen, .commMsg, .commClose, .inputReply, .unknown:
            // No reply is expected (or, for unknown types, ever given).
            log("ignoring unreadable \(request.msgType): \(unreadable.problem)")
        case .kernelInfoRequest, .isCompleteRequest, .completeRequest, .inspectRequest, .historyRequest,
             .commInfoRequest, .shutdownRequest, .interruptRequest:
            reply(to: request, on: channel, content: [
                "status": "error", "ename": "FormatError", "evalue": .string(evalue),
                "traceback": [.string("FormatError: \(evalue)")],
            ], metadata: ["status": "error"])
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
