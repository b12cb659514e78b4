import XCTest
@testable import CellLanguage

final class InspectionTests: XCTestCase {
    private let engine = Engine(registry: TestCommands.registry())

    func testCommandUnderOrJustBeforeTheCursor() {
        for cursor in [0, 3, 5] {
            let bundle = engine.inspect("sleep(seconds: 1)", cursor: cursor)
            XCTAssertTrue(bundle?.plainText?.hasPrefix("sleep(seconds: Double)") == true, "cursor \(cursor)")
            XCTAssertTrue(bundle?.data["text/markdown"]?.stringValue?.contains("```swift\nsleep(seconds: Double)\n```") == true)
        }
    }

    func testInsideTheParenthesesShowsTheEnclosingCommandWithAllOverloads() {
        let bundle = engine.inspect("plot(attention: \"a\", layer: 1)", cursor: 22)
        let text = bundle?.plainText ?? ""
        XCTAssertTrue(text.contains("plot(_ kind: String)"), text)
        XCTAssertTrue(text.contains("plot(attention: String, layer: Int = 0, head: Int? = nil)"), text)
        XCTAssertTrue(text.contains("one of \"loss\", \"accuracy\", \"lr\", \"confusion\""), text)
    }

    func testBoundNameShowsItsValue() {
        _ = engine.execute("let rate = 0.5", output: RecordingSink())
        XCTAssertEqual(engine.inspect("print(rate)", cursor: 8)?.plainText, "rate: Double = 0.5")
    }

    func testNothingToInspect() {
        XCTAssertNil(engine.inspect("1 + ", cursor: 1))
        XCTAssertNil(engine.inspect("", cursor: 0))
        XCTAssertNil(engine.inspect("nothing", cursor: 3))
    }
}

final class IsCompleteTests: XCTestCase {
    private let engine = Engine()

    func testCompleteCells() {
        for code in ["print(\"hi\")", "", "let x = 1\nx", "print(1)\n", "/* c */ print(1) // c"] {
            XCTAssertEqual(engine.isComplete(code), .complete, code)
        }
    }

    func testOpenBracketsStringsAndCommentsAreIncomplete() {
        XCTAssertEqual(engine.isComplete("print(\"hi\""), .incomplete(indent: "    "))
        XCTAssertEqual(engine.isComplete("train(epochs: [1,\n"), .incomplete(indent: "        "))
        XCTAssertEqual(engine.isComplete("print(\"hi"), .incomplete(indent: ""))
        XCTAssertEqual(engine.isComplete("/* note"), .incomplete(indent: ""))
        XCTAssertEqual(engine.isComplete("let s = \"\"\"\nabc"), .incomplete(indent: ""))
        XCTAssertEqual(engine.isComplete("let x =\n"), .incomplete(indent: ""))
    }

    func testInvalidCells() {
        for code in ["print(\"hi\"))", "let = 3", "a # b", "print(1) print(2)", "]", "\"a\\q\"", "3epochs"] {
            XCTAssertEqual(engine.isComplete(code), .invalid, code)
        }
    }
}

final class InspectionOfLabelsTests: XCTestCase {
    func testOnALabelTheParameterLineComesFirst() {
        let engine = Engine(registry: TestCommands.registry())
        let onLabel = engine.inspect("train(epochs: 3)", cursor: 8)?.plainText ?? ""
        XCTAssertTrue(onLabel.hasPrefix("epochs: Int = 3, 1...1000 — passes\n\ntrain(epochs: Int = 3"), onLabel)
        let onValue = engine.inspect("train(lr: 0.1)", cursor: 11)?.plainText ?? ""
        XCTAssertTrue(onValue.hasPrefix("lr: Double = 5e-5 — learning rate\n\n"), onValue)
    }
}
