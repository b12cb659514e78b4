import Foundation
import Display

/// `execute_request` (jupyter_client `docs/messaging.rst`, "Execute"): `execute_input`, the
/// cell's outputs, `execute_result` or `error`, then the reply; stop-on-error aborting.
extension Kernel {
    func execute(_ request: Message, on channel: Channel) {
        let c = request.content
        let code = c["code"]?.stringValue ?? ""
        let silent = c["silent"]?.boolValue ?? false
        // `silent` forces store_history off (messaging.rst).
        let storeHistory = silent ? false : (c["store_history"]?.boolValue ?? true)
        let stopOnError = c["stop_on_error"]?.boolValue ?? true

        stateLock.lock()
        if abortingQueuedCells {
            let count = executionCount
            stateLock.unlock()
            abort(request, on: channel, executionCount: count)
            return
        }
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
        if case .error = outcome, stopOnError { abortingQueuedCells = true }
        stateLock.unlock()

        reply(to: request, on: channel, content: .object(replyContent),
              metadata: ["status": replyContent["status"] ?? "ok"])
    }

    /// The answer to an `execute_request` queued behind a failed cell: status `error` (the
    /// `aborted` status is deprecated in 5.1+), no execution, no output, count unchanged.
    func abort(_ request: Message, on channel: Channel, executionCount count: Int) {
        log("aborting execute_request \(request.msgID): an earlier cell failed")
        reply(to: request, on: channel, content: [
            "status": "error",
            "ename": "ExecutionAborted",
            "evalue": "not run: an earlier cell in the queue failed",
            "traceback": [],
            "execution_count": .int(count),
            "payload": [],
            "user_expressions": [:],
        ], metadata: ["status": "error"])
    }
}
