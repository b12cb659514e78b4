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

    func testKernelHistoryIsCappedAtIPythonsHistoryLength() {
        XCTAssertEqual(HistoryStore.defaultMaximumEntries, 10_000)
        XCTAssertEqual(kernel.history.maximumEntries, 10_000)
    }

    func testOldestEntriesGoPastTheEntryCap() {
        var store = HistoryStore(maximumEntries: 3)
        for line in 1...5 { store.append(line: line, input: "cell \(line)", output: nil) }
        XCTAssertEqual(store.entries.map(\.line), [3, 4, 5])
        XCTAssertEqual(store.bytes, 18)
        XCTAssertEqual(store.range(session: 1, start: 1, stop: nil).map(\.line), [3, 4, 5])
    }

    func testOldestEntriesGoPastTheByteCapButNeverTheNewest() {
        var store = HistoryStore(maximumEntries: 100, maximumBytes: 10)
        store.append(line: 1, input: "abcd", output: "e")   // 5 bytes
        store.append(line: 2, input: "fgh", output: nil)    // 8 in all
        store.append(line: 3, input: "ijk", output: nil)    // 11: line 1 goes
        XCTAssertEqual(store.entries.map(\.line), [2, 3])
        XCTAssertEqual(store.bytes, 6)
        store.append(line: 4, input: String(repeating: "x", count: 50), output: nil)
        XCTAssertEqual(store.entries.map(\.line), [4], "a single cell larger than the cap is kept until the next")
        XCTAssertEqual(store.bytes, 50)
    }
}
