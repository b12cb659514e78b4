import XCTest
import Display
@testable import JupyterKernel

/// The real kernel core over the in-memory transport: what a front end would see on each socket.
final class KernelCoreTests: XCTestCase {
    var transport: FakeTransport!
    var interpreter: FakeInterpreter!
    var kernel: Kernel!
    var logged: [String] = []

    override func setUp() {
        transport = FakeTransport()
        interpreter = FakeInterpreter()
        kernel = Kernel(interpreter: interpreter, transport: transport, errorReplyHold: 0,
                        log: { [unowned self] in self.logged.append($0) })
    }

    /// Handles `request` and returns what was sent while doing so.
    @discardableResult
    func send(_ request: Message, on channel: Channel = .shell) -> (iopub: [Message], replies: [Message]) {
        transport.clear()
        kernel.handle(request, on: channel)
        return (transport.iopub, transport.replies)
    }

    func types(_ messages: [Message]) -> [String] { messages.map(\.msgType) }

    func assertWrappedInBusyIdle(_ iopub: [Message], parent request: Message, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(iopub.first?.content["execution_state"], "busy", file: file, line: line)
        XCTAssertEqual(iopub.last?.content["execution_state"], "idle", file: file, line: line)
        for message in iopub {
            XCTAssertEqual(message.parentHeader, request.header, "\(message.msgType) has the request as parent", file: file, line: line)
        }
    }

    func testStartPublishesStartingOnce() {
        kernel.start()
        XCTAssertEqual(transport.iopub.map(\.msgType), ["status"])
        XCTAssertEqual(transport.iopub[0].content["execution_state"], "starting")
    }

    func testKernelInfoIsWrappedInBusyIdleAndDescribesTheLanguage() {
        let request = Requests.make("kernel_info_request")
        let (iopub, replies) = send(request)
        assertWrappedInBusyIdle(iopub, parent: request)
        XCTAssertEqual(types(iopub), ["status", "status"])
        XCTAssertEqual(replies.count, 1)
        let reply = replies[0]
        XCTAssertEqual(reply.msgType, "kernel_info_reply")
        XCTAssertEqual(reply.identities, request.identities)
        XCTAssertEqual(reply.parentHeader, request.header)
        XCTAssertEqual(reply.header["version"], "5.3")
        XCTAssertEqual(reply.header["session"]?.stringValue, kernel.sessionID)
        XCTAssertEqual(reply.content["protocol_version"], "5.3")
        XCTAssertEqual(reply.content["status"], "ok")
        XCTAssertEqual(reply.content["language_info"]?["name"], "fake")
        XCTAssertEqual(reply.content["help_links"], [["text": "Docs", "url": "https://example.org/docs"]])
    }

    func testExecutePublishesInputStreamResultAndRepliesWithTheCount() {
        let request = Requests.execute("hello")
        let (iopub, replies) = send(request)
        assertWrappedInBusyIdle(iopub, parent: request)
        XCTAssertEqual(types(iopub), ["status", "execute_input", "stream", "stream", "status"])
        XCTAssertEqual(iopub[1].content, ["code": "hello", "execution_count": 1])
        XCTAssertEqual(iopub[2].content, ["name": "stdout", "text": "hello, "])
        XCTAssertEqual(replies.map(\.msgType), ["execute_reply"])
        XCTAssertEqual(replies[0].content["status"], "ok")
        XCTAssertEqual(replies[0].content["execution_count"], 1)

        let (valueIOPub, valueReplies) = send(Requests.execute("value"))
        XCTAssertEqual(types(valueIOPub), ["status", "execute_input", "execute_result", "status"])
        XCTAssertEqual(valueIOPub[2].content, ["execution_count": 2, "data": ["text/plain": "3"], "metadata": [:]])
        XCTAssertEqual(valueReplies[0].content["execution_count"], 2)
    }

    func testSilentExecutionPublishesNothingButStatusAndDoesNotCount() {
        send(Requests.execute("value"))
        let request = Requests.execute("hello", silent: true)
        let (iopub, replies) = send(request)
        XCTAssertEqual(types(iopub), ["status", "status"])
        XCTAssertEqual(replies[0].content["execution_count"], 1)
        XCTAssertEqual(interpreter.executed, ["value", "hello"])
        let (_, next) = send(Requests.execute("value"))
        XCTAssertEqual(next[0].content["execution_count"], 2)
    }

    func testStoreHistoryFalseDoesNotCountOrRecord() {
        let (iopub, replies) = send(Requests.execute("value", storeHistory: false))
        XCTAssertEqual(iopub[1].content["execution_count"], 0)
        XCTAssertEqual(replies[0].content["execution_count"], 0)
        let (_, history) = send(Requests.make("history_request", ["hist_access_type": "tail", "n": 10]))
        XCTAssertEqual(history[0].content["history"], [])
    }

    func testDisplayUpdateAndClearOutputCarryTheirFields() {
        let (iopub, _) = send(Requests.execute("display"))
        XCTAssertEqual(types(iopub), ["status", "execute_input", "display_data", "update_display_data", "status"])
        XCTAssertEqual(iopub[2].content["transient"], ["display_id": "p1"])
        XCTAssertEqual(iopub[3].content["data"], ["text/plain": "progress 1"])
        let (cleared, _) = send(Requests.execute("clear"))
        XCTAssertEqual(cleared[2].msgType, "clear_output")
        XCTAssertEqual(cleared[2].content, ["wait": false])
    }

    func testOutputWrittenAfterTheCellEndedIsDroppedNotSentToTheNextCell() {
        send(Requests.execute("leak"))
        transport.clear()
        interpreter.leakedSink?.stream(.stdout, "late\n")
        interpreter.leakedSink?.display(MimeBundle(plain: "late"), displayID: nil)
        XCTAssertTrue(transport.sent.isEmpty)
    }

    func testPagerPayloadIsReturnedInTheReply() {
        let (_, replies) = send(Requests.execute("page"))
        XCTAssertEqual(replies[0].content["payload"], [["source": "page", "data": ["text/plain": "help text"], "start": 0]])
    }

    func testErrorPublishesOneErrorAndRepliesWithStatusError() {
        let request = Requests.execute("undefined_name")
        let (iopub, replies) = send(request)
        XCTAssertEqual(types(iopub), ["status", "execute_input", "error", "status"])
        XCTAssertEqual(iopub[2].content["ename"], "NameError")
        XCTAssertEqual(replies[0].content["status"], "error")
        XCTAssertEqual(replies[0].content["ename"], "NameError")
        XCTAssertEqual(replies[0].content["traceback"], ["NameError: 'undefined_name'"])
        XCTAssertEqual(replies[0].content["execution_count"], 1)
    }

    func testRequestsSentBeforeTheErrorReplyAreAbortedAndLaterOnesRun() {
        // Made (dated) by the client before the failing cell was answered: "Run All".
        let queuedDate = HeaderFactory.now()
        let queued = Requests.execute("hello", date: queuedDate)
        let inFlight = Requests.execute("value", date: queuedDate)
        send(Requests.execute("undefined_name"))

        let (iopub, replies) = send(queued)
        assertWrappedInBusyIdle(iopub, parent: queued)
        XCTAssertEqual(types(iopub), ["status", "status"], "an aborted cell publishes no input and no output")
        XCTAssertEqual(replies[0].content["status"], "error")
        XCTAssertEqual(replies[0].content["ename"], "ExecutionAborted")
        XCTAssertEqual(replies[0].content["execution_count"], 1)
        // Other requests are still served while aborting.
        XCTAssertEqual(send(Requests.make("kernel_info_request")).replies[0].content["status"], "ok")
        XCTAssertEqual(send(inFlight).replies[0].content["ename"], "ExecutionAborted")
        XCTAssertEqual(interpreter.executed, ["undefined_name"])

        // Made after the error reply: the client may have seen it, so it runs.
        let (_, after) = send(Requests.execute("value"))
        XCTAssertEqual(after[0].content["status"], "ok")
        XCTAssertEqual(after[0].content["execution_count"], 2)
        XCTAssertEqual(interpreter.executed, ["undefined_name", "value"])
    }

    func testARequestTheServerHadReadBeforeTheErrorReplyIsAbortedWhateverItsDate() {
        // A client clock ahead of the kernel's dates a queued request after the error; the server
        // read it before the reply went out, so it was queued and is aborted (ipykernel's rule).
        var queued = Requests.execute("hello", date: "2999-01-01T00:00:00Z")
        queued.receivedAt = .now()
        send(Requests.execute("undefined_name"))
        XCTAssertEqual(send(queued).replies[0].content["ename"], "ExecutionAborted")
        var later = Requests.execute("hello", date: "2999-01-01T00:00:00Z")
        later.receivedAt = .now()
        XCTAssertEqual(send(later).replies[0].content["status"], "ok", "read after the reply and dated after it")
    }

    func testAnOldDateStopsAbortingOneSecondAfterTheError() {
        // A client clock far behind makes every request look old; only the first second after an
        // error is affected.
        send(Requests.execute("undefined_name"))
        XCTAssertEqual(send(Requests.execute("hello", date: "2001-01-01T00:00:00Z")).replies[0].content["ename"],
                       "ExecutionAborted")
        Thread.sleep(forTimeInterval: StopOnError.inFlightWindow + 0.05)
        XCTAssertEqual(send(Requests.execute("hello", date: "2001-01-01T00:00:00Z")).replies[0].content["status"], "ok")
    }

    func testARequestWithoutAReadableDateIsJudgedByTheQueueAlone() {
        send(Requests.execute("undefined_name"))
        var undated = Requests.execute("hello")
        undated.header = .object(undated.header.objectValue!.merging(["date": "yesterday"]) { $1 })
        XCTAssertEqual(send(undated).replies[0].content["status"], "ok")
    }

    func testTheReplyOfAFailureThatStopsTheQueueIsHeldSoRequestsSentMeanwhileAreCaught() {
        let held = Kernel(interpreter: interpreter, transport: transport, log: { _ in })
        XCTAssertEqual(held.errorReplyHold, 0.05)
        func seconds(_ request: Message) -> Double {
            let start = DispatchTime.now()
            held.handle(request, on: .shell)
            return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        }
        XCTAssertGreaterThanOrEqual(seconds(Requests.execute("undefined_name")), 0.05)
        XCTAssertLessThan(seconds(Requests.execute("undefined_name", stopOnError: false)), 0.05,
                          "a failure that does not stop the queue is answered at once")
    }

    func testASilentFailureDoesNotAbortTheQueue() {
        let queued = Requests.execute("hello")
        send(Requests.execute("undefined_name", silent: true))
        XCTAssertEqual(send(queued).replies[0].content["status"], "ok")
    }

    func testStopOnErrorFalseDoesNotAbortTheQueue() {
        send(Requests.execute("undefined_name", stopOnError: false))
        let (_, replies) = send(Requests.execute("value"))
        XCTAssertEqual(replies[0].content["status"], "ok")
    }

    func testCodeThatIsNotAStringIsAnArgumentErrorNotAnEmptyCell() {
        let request = Requests.make("execute_request", ["code": 5, "silent": false])
        let (iopub, replies) = send(request)
        assertWrappedInBusyIdle(iopub, parent: request)
        XCTAssertEqual(types(iopub), ["status", "error", "status"])
        XCTAssertEqual(replies.map(\.msgType), ["execute_reply"])
        XCTAssertEqual(replies[0].content["status"], "error")
        XCTAssertEqual(replies[0].content["ename"], "ArgumentError")
        XCTAssertEqual(replies[0].content["evalue"], "the execute_request was not run: 'code' must be a string, not the number 5")
        XCTAssertEqual(replies[0].content["execution_count"], 0)
        XCTAssertEqual(interpreter.executed, [], "nothing ran")
        XCTAssertEqual(kernel.currentExecutionCount, 0, "nothing was counted")

        XCTAssertEqual(send(Requests.make("execute_request", [:])).replies[0].content["evalue"],
                       "the execute_request was not run: it has no 'code'")
        let flags = send(Requests.make("execute_request", ["code": "hello", "silent": "no", "stop_on_error": 1]))
        XCTAssertEqual(flags.replies[0].content["evalue"], .string("the execute_request was not run: "
            + "'silent' must be true or false, not the string \"no\"; 'stop_on_error' must be true or false, not the number 1"))
        XCTAssertEqual(interpreter.executed, [])
    }

    func testARefusedRequestStopsRunAllLikeAFailingCell() {
        let queued = Requests.execute("hello")
        send(Requests.make("execute_request", ["code": ["print"]]))
        XCTAssertEqual(send(queued).replies[0].content["ename"], "ExecutionAborted")
    }

    func testUnreadableExecuteRequestIsAnsweredWithAFormatError() {
        let request = Requests.make("execute_request")
        let unreadable = UnreadableMessage(message: request, problem: .badJSON(frame: "content", reason: "unpaired surrogate \\ud800"))
        transport.clear()
        kernel.handleUnreadable(unreadable, on: .shell)
        assertWrappedInBusyIdle(transport.iopub, parent: request)
        XCTAssertEqual(types(transport.iopub), ["status", "error", "status"])
        let reply = transport.replies[0]
        XCTAssertEqual(reply.msgType, "execute_reply")
        XCTAssertEqual(reply.identities, request.identities)
        XCTAssertEqual(reply.content["status"], "error")
        XCTAssertEqual(reply.content["ename"], "FormatError")
        XCTAssertEqual(reply.content["evalue"],
                       "the execute_request could not be read, so nothing was done: content is not valid JSON: unpaired surrogate \\ud800")
        XCTAssertEqual(reply.content["execution_count"], 0)
        XCTAssertEqual(interpreter.executed, [])
    }

    func testUnreadableOtherRequestGetsAnErrorReplyAndACommMessageOnlyALogLine() {
        transport.clear()
        kernel.handleUnreadable(UnreadableMessage(message: Requests.make("complete_request"), problem: .notAnObject(frame: "content")),
                                on: .shell)
        XCTAssertEqual(transport.replies.map(\.msgType), ["complete_reply"])
        XCTAssertEqual(transport.replies[0].content["status"], "error")
        XCTAssertEqual(types(transport.iopub), ["status", "status"])

        transport.clear()
        kernel.handleUnreadable(UnreadableMessage(message: Requests.make("comm_msg"), problem: .notAnObject(frame: "content")),
                                on: .shell)
        XCTAssertEqual(transport.replies.count, 0)
        XCTAssertTrue(logged.last?.contains("ignoring unreadable comm_msg") == true, "\(logged)")
    }

    func testCompleteInspectAndIsCompleteAskTheInterpreter() {
        let (_, complete) = send(Requests.make("complete_request", ["code": "pr", "cursor_pos": 2]))
        XCTAssertEqual(complete[0].msgType, "complete_reply")
        XCTAssertEqual(complete[0].content["matches"], ["print", "predict"])
        XCTAssertEqual(complete[0].content["cursor_start"], 0)
        XCTAssertEqual(complete[0].content["cursor_end"], 2)
        XCTAssertEqual(complete[0].content["status"], "ok")

        let (_, clamped) = send(Requests.make("complete_request", ["code": "pr", "cursor_pos": 99]))
        XCTAssertEqual(clamped[0].content["cursor_end"], 2)

        let (_, found) = send(Requests.make("inspect_request", ["code": "print", "cursor_pos": 5, "detail_level": 0]))
        XCTAssertEqual(found[0].content["found"], true)
        XCTAssertEqual(found[0].content["data"], ["text/plain": "print(value)"])
        let (_, missing) = send(Requests.make("inspect_request", ["code": "zzz", "cursor_pos": 1]))
        XCTAssertEqual(missing[0].content["found"], false)
        XCTAssertEqual(missing[0].content["status"], "ok")

        for (code, status) in [("print(1)", "complete"), ("print(", "incomplete"), ("1)", "invalid")] {
            let (_, reply) = send(Requests.make("is_complete_request", ["code": .string(code)]))
            XCTAssertEqual(reply[0].content["status"], .string(status), code)
        }
        let (_, incomplete) = send(Requests.make("is_complete_request", ["code": "print("]))
        XCTAssertEqual(incomplete[0].content["indent"], "  ")
    }

    func testCommInfoIsEmptyAndCommOpenIsClosedWithoutAReply() {
        let (_, info) = send(Requests.make("comm_info_request", [:]))
        XCTAssertEqual(info[0].content, ["status": "ok", "comms": [:]])
        let open = Requests.make("comm_open", ["comm_id": "c1", "target_name": "jupyter.widget", "data": [:]])
        let (iopub, replies) = send(open)
        XCTAssertTrue(replies.isEmpty)
        XCTAssertEqual(types(iopub), ["status", "comm_close", "status"])
        XCTAssertEqual(iopub[1].content["comm_id"], "c1")
        let (msgIOPub, msgReplies) = send(Requests.make("comm_msg", ["comm_id": "c1", "data": [:]]))
        XCTAssertTrue(msgReplies.isEmpty)
        XCTAssertEqual(types(msgIOPub), ["status", "status"])
    }

    func testUnknownRequestIsLoggedAndNotAnswered() {
        let (iopub, replies) = send(Requests.make("debug_request"))
        XCTAssertTrue(replies.isEmpty)
        XCTAssertEqual(types(iopub), ["status", "status"])
        XCTAssertTrue(logged.contains { $0.contains("debug_request") })
    }

    func testInterruptRequestOnControlInterruptsAndReplies() {
        let request = Requests.make("interrupt_request")
        let (iopub, replies) = send(request, on: .control)
        assertWrappedInBusyIdle(iopub, parent: request)
        XCTAssertEqual(interpreter.interrupts, 1)
        XCTAssertEqual(transport.sent.last { $0.channel == .control }?.message.msgType, "interrupt_reply")
        XCTAssertEqual(replies[0].content["status"], "ok")
    }

    func testShutdownRepliesThenStopsTheTransport() {
        let (_, replies) = send(Requests.make("shutdown_request", ["restart": false]), on: .control)
        XCTAssertEqual(replies[0].msgType, "shutdown_reply")
        XCTAssertEqual(replies[0].content, ["status": "ok", "restart": false])
        XCTAssertEqual(transport.shutdowns, [false])
        XCTAssertEqual(interpreter.restarts, 0)
    }

    func testRestartEmptiesTheSessionAndStartsANewKernelSession() {
        send(Requests.execute("value"))
        let before = kernel.sessionID
        let (_, replies) = send(Requests.make("shutdown_request", ["restart": true]), on: .control)
        XCTAssertEqual(replies[0].content, ["status": "ok", "restart": true])
        XCTAssertEqual(interpreter.restarts, 1)
        XCTAssertEqual(transport.shutdowns, [true])
        XCTAssertNotEqual(kernel.sessionID, before)
        XCTAssertEqual(kernel.currentExecutionCount, 0)
        let (iopub, after) = send(Requests.execute("value"))
        XCTAssertEqual(after[0].content["execution_count"], 1)
        XCTAssertEqual(iopub[0].header["session"]?.stringValue, kernel.sessionID)
    }
}
