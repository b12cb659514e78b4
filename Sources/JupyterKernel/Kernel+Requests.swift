import Foundation
import Display

/// The requests other than `execute_request`.
extension Kernel {
    func kernelInfo() -> JSON {
        .object([
            "status": "ok",
            "protocol_version": .string(HeaderFactory.protocolVersion),
            "implementation": .string(Kernel.implementation),
            "implementation_version": .string(Kernel.implementationVersion),
            "language_info": interpreter.languageInfo,
            "banner": .string(interpreter.banner),
            "help_links": .array(interpreter.helpLinks.map { ["text": .string($0.text), "url": .string($0.url)] }),
            "debugger": false,
        ])
    }

    func isComplete(_ request: Message, on channel: Channel) {
        let code = request.content["code"]?.stringValue ?? ""
        let content: JSON
        switch withInterpreter({ interpreter.isComplete(code: code) }) {
        case .complete: content = ["status": "complete"]
        case .incomplete(let indent): content = ["status": "incomplete", "indent": .string(indent)]
        case .invalid: content = ["status": "invalid"]
        case .unknown: content = ["status": "unknown"]
        }
        reply(to: request, on: channel, content: content)
    }

    func complete(_ request: Message, on channel: Channel) {
        let code = request.content["code"]?.stringValue ?? ""
        let cursor = clampedCursor(request.content["cursor_pos"], in: code)
        let completion = withInterpreter { interpreter.complete(code: code, cursor: cursor) }
        reply(to: request, on: channel, content: [
            "status": "ok",
            "matches": JSON(completion.matches),
            "cursor_start": .int(completion.cursorStart),
            "cursor_end": .int(completion.cursorEnd),
            "metadata": .object(completion.metadata),
        ])
    }

    func inspect(_ request: Message, on channel: Channel) {
        let code = request.content["code"]?.stringValue ?? ""
        let cursor = clampedCursor(request.content["cursor_pos"], in: code)
        let level = request.content["detail_level"]?.intValue ?? 0
        let bundle = withInterpreter { interpreter.inspect(code: code, cursor: cursor, detailLevel: level) }
        reply(to: request, on: channel, content: [
            "status": "ok",
            "found": .bool(bundle != nil),
            "data": .object(bundle?.data ?? [:]),
            "metadata": .object(bundle?.metadata ?? [:]),
        ])
    }

    /// `cursor_pos` in Unicode scalars; absent means the end of the code (protocol 5.0).
    func clampedCursor(_ value: JSON?, in code: String) -> Int {
        let length = code.unicodeScalars.count
        guard let cursor = value?.intValue else { return length }
        return min(max(cursor, 0), length)
    }

    func historyReply(_ request: Message, on channel: Channel) {
        let c = request.content
        let withOutput = c["output"]?.boolValue ?? false
        let kind = c["hist_access_type"]?.stringValue ?? "tail"
        stateLock.lock()
        let entries: [HistoryStore.Entry]
        switch kind {
        case "range":
            entries = history.range(session: c["session"]?.intValue ?? 0, start: c["start"]?.intValue ?? 0,
                                    stop: c["stop"]?.intValue)
        case "search":
            entries = history.search(pattern: c["pattern"]?.stringValue ?? "*", n: c["n"]?.intValue,
                                     unique: c["unique"]?.boolValue ?? false)
        default:
            entries = history.tail(c["n"]?.intValue ?? 10)
        }
        stateLock.unlock()
        let rows: [JSON] = entries.map { entry in
            let input: JSON = withOutput
                ? [.string(entry.input), entry.output.map(JSON.string) ?? .null]
                : .string(entry.input)
            return [.int(entry.session), .int(entry.line), input]
        }
        reply(to: request, on: channel, content: ["status": "ok", "history": .array(rows)])
    }

    /// No comm targets exist; close the comm at once, as ipykernel's comm manager does for an
    /// unknown target, so the front end does not wait on it.
    func rejectComm(_ request: Message) {
        let id = request.content["comm_id"] ?? .null
        log("no comm target '\(request.content["target_name"]?.stringValue ?? "")'; closing comm")
        publish("comm_close", content: ["comm_id": id, "data": [:]], parent: request.header)
    }

    func shutdown(_ request: Message, on channel: Channel) {
        let restart = request.content["restart"]?.boolValue ?? false
        reply(to: request, on: channel, content: ["status": "ok", "restart": .bool(restart)])
        if restart {
            interpreter.interrupt()
            withInterpreter { interpreter.restart() }
            stateLock.lock()
            executionCount = 0
            abortRule = nil
            history.newSession()
            stateLock.unlock()
            headers.renewSession()
        }
        transport.shutdown(restart: restart)
    }
}
