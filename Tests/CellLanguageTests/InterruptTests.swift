import Foundation
import XCTest
@testable import CellLanguage

final class InterruptTests: XCTestCase {
    func testInterruptFromAnotherThreadStopsSleepWithKeyboardInterrupt() {
        let engine = Engine()
        let sink = RecordingSink()
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { engine.interrupt() }
        let outcome = engine.execute("let before = 1\nsleep(seconds: 30)\nlet after = 2", output: sink)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(outcome.error?.ename, "KeyboardInterrupt")
        XCTAssertEqual(outcome.error?.traceback.last, "KeyboardInterrupt: the cell was interrupted")
        XCTAssertEqual(outcome.error?.traceback[1], "    sleep(seconds: 30)")
        // Not a timing assertion on the machine's speed: only that the 30 s wait was cut short.
        XCTAssertLessThan(elapsed, 20)
        XCTAssertEqual(engine.session.value(of: "before"), .int(1))
        XCTAssertNil(engine.session.value(of: "after"))
        // The session is usable afterwards and the interrupt does not leak into the next cell.
        XCTAssertNil(engine.execute("sleep(seconds: 0.01)\nlet after = 3", output: sink).error)
        XCTAssertEqual(engine.session.value(of: "after"), .int(3))
    }

    func testAnInterruptBeforeACellStartsIsForgotten() {
        let engine = Engine()
        engine.interrupt()
        XCTAssertNil(engine.execute("sleep(seconds: 0)", output: RecordingSink()).error)
    }

    func testSessionSleepIsTheTypedAPIBehindTheCommand() {
        let session = Session()
        XCTAssertNoThrow(try session.sleep(seconds: 0))
        XCTAssertThrowsError(try session.sleep(seconds: .nan)) { XCTAssertEqual(($0 as? SessionError)?.kind, .argument) }
        session.interrupt()
        XCTAssertThrowsError(try session.sleep(seconds: 10)) { XCTAssertEqual($0 as? SessionError, .interrupted) }
        XCTAssertThrowsError(try session.checkInterrupt())
        session.clearInterrupt()
        XCTAssertNoThrow(try session.checkInterrupt())
    }
}
