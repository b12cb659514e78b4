import Foundation
import Display

/// `execute_request` (jupyter_client `docs/messaging.rst`, "Execute"): `execute_input`, the
/// cell's outputs, `execute_result` or `error`, then the reply; stop-on-error aborting.
extension Kernel {
    func execute(_ request: Message, on channel: Channel) {
        let c = request.content
        // Fields of the wrong type are refused, not read as their defaults: `"code": 5` must not
        // run as an empty cell and reply ok.
        var value: [String: Bool] = [:]
        var problems: [String] = []
        for (name, fallback) in [("silent", false), ("store_history", true), ("stop_on_error", true)] {
            switch c[name] {
            case nil, .null?: value[name] = fallback
            case .bool(let b)?: value[name] = b
            case let other?: problems.append("'\(name)' must be true or false, not \(Self.describe(other))")
            }
        }
        let code: String
        switch c["code"] {
        case .string(let s)?: code = s
        case nil: code = ""; problems.insert("it has no 'code'", at: 0)
        case let other?: code = ""; problems.insert("'code' must be a string, not \(Self.describe(other))", at: 0)
        }
        let silent = value["silent"] ?? false
        // `silent` forces store_history off (messaging.rst).
        let storeHistory = silent ? false : (value["store_history"] ?? true)
        let stopOnError = value["stop_on_error"] ?? true

        if abortIfSentBeforeAnError(request, on: channel) { return }
        if !problems.isEmpty {
            rejectExecute(request, on: channel, ename: "ArgumentError",
                          evalue: "the execute_request was not run: " + problems.joined(separator: "; "),
                          silent: silent, stopOnError: stopOnError)
            return
        }
        stateLock.lock()
        if storeHistory { executionCount += 1 }
        let count = executionCount
        stateLock.unlock()

        if !silent {
            publish("execute_input", content: ["code": .string(code), "execution_count": .int(count)],
                    parent: request.header)
        }
        let sink = IOPubOutputSink(kernel: self, parent: request.header, silent: silent)
        let outcome = withInterpreter { interpreter.execute(code: code, silent: silent, output: sink) }
        sink.close()

        var replyContent: [String: JSON] = ["execution_count": .int(count)]
        var resultText: String?
        switch outcome {
        case .ok(let result, let payloads):
            if let result {
                resultText = result.plainText
                if !silent {
                    publish("execute_result", content: [
                        "execution_count": .int(count),
                        "data": .object(result.data),
                        "metadata": .object(result.metadata),
                    ], parent: request.header)
                }
            }
            replyContent["status"] = "ok"
            replyContent["payload"] = .array(payloads)
            replyContent["user_expressions"] = [:]
        case .error(let name, let value, let traceback):
            let error: [String: JSON] = ["ename": .string(name), "evalue": .string(value),
                                         "traceback": JSON(traceback)]
            if !silent { publish("error", content: .object(error), parent: request.header) }
            replyContent.merge(error) { _, new in new }
            replyContent["status"] = "error"
        }

        stateLock.lock()
        if storeHistory { history.append(line: count, input: code, output: resultText) }
        stateLock.unlock()

        // A silent execution (a front end's own bookkeeping) does not stop the user's cells, as in
        // ipykernel (`kernelbase.py`, `execute_request`: `not silent and ... and stop_on_error`).
        var stops = stopOnError && !silent
        if case .ok = outcome { stops = false }
        sendExecuteReply(to: request, on: channel, content: .object(replyContent), stopsTheQueue: stops)
    }

    /// Sends an `execute_reply`; for an error with stop-on-error, holds it for
    /// `errorReplyHold` first and then arms `StopOnError` (see there for why and how):
    /// requests that arrive during the hold were certainly sent before the client saw the error,
    /// and the server reads them before the reply leaves, so their `receivedAt` is earlier than
    /// the moment taken after it; the wall-clock moment for header dates is taken just before.
    func sendExecuteReply(to request: Message, on channel: Channel, content: JSON, stopsTheQueue: Bool) {
        let metadata: JSON = ["status": content["status"] ?? "ok"]
        guard stopsTheQueue else {
            reply(to: request, on: channel, content: content, metadata: metadata)
            return
        }
        if errorReplyHold > 0 { Thread.sleep(forTimeInterval: errorReplyHold) }
        let wallClock = HeaderFactory.currentSeconds()
        reply(to: request, on: channel, content: content, metadata: metadata)
        let rule = StopOnError(errorReplySent: .now(), wallClock: wallClock)
        stateLock.lock()
        abortRule = rule
        stateLock.unlock()
    }

    /// An `execute_request` that cannot be run as sent (content unreadable, fields of the wrong
    /// type): one `error` output and an error reply, as a failing cell, but nothing is executed,
    /// counted or stored. It arms stop-on-error like a failing cell, because the cells queued
    /// behind it in "Run All" may depend on it.
    func rejectExecute(_ request: Message, on channel: Channel, ename: String, evalue: String,
                       silent: Bool, stopOnError: Bool) {
        log("refusing execute_request \(request.msgID): \(evalue)")
        let error: [String: JSON] = ["ename": .string(ename), "evalue": .string(evalue),
                                     "traceback": [.string("\(ename): \(evalue)")]]
        if !silent { publish("error", content: .object(error), parent: request.header) }
        var content = error
        content["status"] = "error"
        content["execution_count"] = .int(currentExecutionCount)
        sendExecuteReply(to: request, on: channel, content: .object(content), stopsTheQueue: stopOnError && !silent)
    }

    /// How a JSON value of the wrong type reads in an error: `the number 5`, `the string "5"`.
    static func describe(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int, .double: return "the number \(value.serialized())"
        case .string: return "the string \(value.serialized())"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Answers `request` with an abort, and returns true, when `StopOnError` says it was sent
    /// before the client could have seen the last error.
    func abortIfSentBeforeAnError(_ request: Message, on channel: Channel) -> Bool {
        stateLock.lock()
        guard let rule = abortRule, rule.aborts(request, now: .now()) else {
            stateLock.unlock()
            return false
        }
        let count = executionCount
        stateLock.unlock()
        abort(request, on: channel, executionCount: count)
        return true
    }

    /// The answer to an `execute_request` sent before a failed cell's error reply: status `error` (the
    /// `aborted` status is deprecated in 5.1+), no execution, no output, count unchanged.
    func abort(_ request: Message, on channel: Channel, executionCount count: Int) {
        log("aborting execute_request \(request.msgID): an earlier cell failed")
        reply(to: request, on: channel, content: [
            "status": "error",
            "ename": "ExecutionAborted",
            "evalue": "not run: an earlier cell failed, and this one was sent before its error reached the front end",
            "traceback": [],
            "execution_count": .int(count),
            "payload": [],
            "user_expressions": [:],
        ], metadata: ["status": "error"])
    }
}
