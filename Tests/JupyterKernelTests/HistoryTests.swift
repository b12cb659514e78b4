import XCTest
import Display
@testable import JupyterKernel

final class HistoryTests: XCTestCase {
    var kernel: Kernel!
    var transport: FakeTransport!

    override func setUp() {
        transport = FakeTransport()
        kernel = Kernel(interpreter: FakeInterpreter(), transport: transport, log: { _ in })
        for code in ["hello", "value", "warn", "value"] { kernel.handle(Requests.execute(code), on: .shell) }
    }

    func history(_ content: JSON) -> JSON? {
        transport.clear()
        kernel.handle(Requests.make("history_request", content), on: .shell)
        XCTAssertEqual(transport.replies.first?.content["status"], "ok")
        return transport.replies.first?.content["history"]
    }

    func testTailReturnsTheLastNAsSessionLineInput() {
        XCTAssertEqual(history(["hist_access_type": "tail", "n": 2, "output": false, "raw": true]),
                       [[1, 3, "warn"], [1, 4, "value"]])
    }

    func testTailWithOutputPairsInputAndResult() {
        XCTAssertEqual(history(["hist_access_type": "tail", "n": 2, "output": true]),
                       [[1, 3, ["warn", nil]], [1, 4, ["value", "3"]]])
    }

    func testRangeSelectsLinesStartToStopOfASession() {
        XCTAssertEqual(history(["hist_access_type": "range", "session": 1, "start": 2, "stop": 3]), [[1, 2, "value"]])
        XCTAssertEqual(history(["hist_access_type": "range", "session": 0, "start": 3]), [[1, 3, "warn"], [1, 4, "value"]])
        XCTAssertEqual(history(["hist_access_type": "range", "session": 7, "start": 1]), [])
    }

    func testSearchMatchesGlobWithUniqueAndN() {
        XCTAssertEqual(history(["hist_access_type": "search", "pattern": "val*"]), [[1, 2, "value"], [1, 4, "value"]])
        XCTAssertEqual(history(["hist_access_type": "search", "pattern": "val*", "unique": true]), [[1, 4, "value"]])
        XCTAssertEqual(history(["hist_access_type": "search", "pattern": "*", "n": 3]),
                       [[1, 2, "value"], [1, 3, "warn"], [1, 4, "value"]])
    }

    func testRestartStartsANewHistorySessionAndKeepsTheOld() {
        kernel.handle(Requests.make("shutdown_request", ["restart": true]), on: .control)
        kernel.handle(Requests.execute("hello"), on: .shell)
        XCTAssertEqual(history(["hist_access_type": "tail", "n": 2]), [[1, 4, "value"], [2, 1, "hello"]])
        XCTAssertEqual(history(["hist_access_type": "range", "session": -1, "start": 4]), [[1, 4, "value"]])
    }
}
