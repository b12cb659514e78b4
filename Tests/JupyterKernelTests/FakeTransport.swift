import Foundation
import Display
@testable import JupyterKernel

/// An in-memory `KernelTransport`: records every message the kernel sends, in order, with
/// its channel, and whether shutdown was asked for.
final class FakeTransport: KernelTransport {
    private(set) var sent: [(message: Message, channel: Channel)] = []
    private(set) var shutdowns: [Bool] = []
    private let lock = NSLock()

    func send(_ message: Message, on channel: Channel) {
        lock.lock(); defer { lock.unlock() }
        sent.append((message, channel))
    }

    func shutdown(restart: Bool) { shutdowns.append(restart) }

    var iopub: [Message] { sent.filter { $0.channel == .iopub }.map(\.message) }
    var replies: [Message] { sent.filter { $0.channel != .iopub }.map(\.message) }
    func clear() { lock.lock(); sent.removeAll(); lock.unlock() }
}

/// A scripted language: each cell is one word naming what it does, so the tests exercise the
/// kernel core and not a parser.
final class FakeInterpreter: Interpreter {
    var executed: [String] = []
    var interrupts = 0
    var restarts = 0
    /// The sink of a cell that kept it (a stray worker thread writing after the cell ended).
    var leakedSink: OutputSink?

    var languageInfo: JSON { ["name": "fake", "version": "1.0", "mimetype": "text/x-fake", "file_extension": ".fake"] }
    var banner: String { "Fake language" }
    var helpLinks: [(text: String, url: String)] { [("Docs", "https://example.org/docs")] }

    func execute(code: String, silent: Bool, output: OutputSink) -> ExecutionOutcome {
        executed.append(code)
        switch code {
        case "hello":
            output.stream(.stdout, "hello, ")
            output.stream(.stdout, "world\n")
            return .ok(result: nil, payloads: [])
        case "warn": output.stream(.stderr, "oops\n"); return .ok(result: nil, payloads: [])
        case "value": return .ok(result: MimeBundle(plain: "3"), payloads: [])
        case "page":
            return .ok(result: nil, payloads: [["source": "page", "data": ["text/plain": "help text"], "start": 0]])
        case "display":
            output.display(MimeBundle(plain: "progress 0"), displayID: "p1")
            output.updateDisplay(MimeBundle(plain: "progress 1"), displayID: "p1")
            return .ok(result: nil, payloads: [])
        case "clear": output.clearOutput(wait: false); return .ok(result: nil, payloads: [])
        case "leak": leakedSink = output; return .ok(result: nil, payloads: [])
        default:
            return .error(name: "NameError", value: "'\(code)' is not defined", traceback: ["NameError: '\(code)'"])
        }
    }

    func complete(code: String, cursor: Int) -> Completion {
        Completion(matches: ["print", "predict"].filter { $0.hasPrefix(code) }, cursorStart: 0, cursorEnd: cursor)
    }

    func inspect(code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        code.hasPrefix("print") ? MimeBundle(plain: "print(value)") : nil
    }

    func isComplete(code: String) -> Completeness {
        if code.hasSuffix("(") { return .incomplete(indent: "  ") }
        if code.hasSuffix(")") && !code.contains("(") { return .invalid }
        return .complete
    }

    func interrupt() { interrupts += 1 }
    func restart() { restarts += 1 }
}

/// Builds requests as a client would: a header with a fresh id, and identities to route by.
enum Requests {
    private static var counter = 0

    /// A request dated now, as jupyter_client dates what it sends (`date` overrides it).
    static func make(_ msgType: String, _ content: JSON = [:], date: String = HeaderFactory.now()) -> Message {
        counter += 1
        let header: JSON = ["msg_id": .string("client-\(counter)"), "session": "client-session", "username": "test",
                            "date": .string(date), "msg_type": .string(msgType), "version": "5.3"]
        return Message(identities: [Data("client-identity".utf8)], header: header, content: content)
    }

    static func execute(_ code: String, silent: Bool = false, storeHistory: Bool = true, stopOnError: Bool = true,
                        date: String = HeaderFactory.now()) -> Message {
        make("execute_request", ["code": .string(code), "silent": .bool(silent), "store_history": .bool(storeHistory),
                                 "user_expressions": [:], "allow_stdin": false, "stop_on_error": .bool(stopOnError)],
             date: date)
    }
}
