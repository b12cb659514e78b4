import Display
import XCTest
@testable import CellLanguage

final class ErrorTests: XCTestCase {
    private let engine = Engine()
    private let sink = RecordingSink()

    private func error(_ code: String) -> CellError? { engine.execute(code, output: sink).error }

    func testSyntaxErrorShowsTheLineAndACaret() {
        let e = error("let x = 1\nprint(\"a\"))")
        XCTAssertEqual(e?.ename, "SyntaxError")
        XCTAssertEqual(e?.traceback, [
            "line 2, column 11:",
            "    print(\"a\"))",
            "              ^",
            "SyntaxError: expected the end of the statement, found ')'; put each statement on its own line or separate them with ';'",
        ])
        XCTAssertNil(engine.session.value(of: "x"), "a cell with a syntax error runs nothing")
    }

    func testInvisibleCharacterIsNamedInTheSyntaxErrorWithACaretUnderIt() {
        let e = error("print(1)\u{200B}")
        XCTAssertEqual(e?.ename, "SyntaxError")
        XCTAssertEqual(e?.evalue, "unexpected character U+200B ZERO WIDTH SPACE")
        XCTAssertEqual(e?.traceback.first, "line 1, column 9:")
    }

    func testCellStartingWithAByteOrderMarkRuns() {
        XCTAssertNil(error("\u{FEFF}let x = -9223372036854775808"))
        XCTAssertEqual(engine.session.value(of: "x"), .int(Int.min))
    }

    func testUnknownCommandSuggestsTheClosest() {
        let e = error("  slep(seconds: 1)")
        XCTAssertEqual(e?.ename, "NameError")
        XCTAssertEqual(e?.evalue, "unknown command 'slep'; did you mean 'sleep'?")
        XCTAssertEqual(e?.traceback.suffix(3), ["    " + "  slep(seconds: 1)", "      ^^^^", "NameError: unknown command 'slep'; did you mean 'sleep'?"][...])
    }

    func testUnknownNameSuggestsBindings() {
        _ = engine.execute("let learningRate = 0.1", output: sink)
        XCTAssertEqual(error("print(learningRat)")?.evalue, "unknown name 'learningRat'; did you mean 'learningRate'?")
        XCTAssertEqual(error("zzz")?.evalue, "unknown name 'zzz'")
    }

    func testUnknownLabelSuggestsTheClosestLabelWithACaretUnderIt() {
        let e = error("sleep(secnds: 1)")
        XCTAssertEqual(e?.ename, "ArgumentError")
        XCTAssertEqual(e?.evalue, "sleep(...) has no argument 'secnds:'; did you mean 'seconds'?")
        XCTAssertEqual(e?.traceback[2], "          ^^^^^^")
    }

    func testWrongTypeNamesTheExpectedAndTheGivenType() {
        let e = error("sleep(seconds: \"two\")")
        XCTAssertEqual(e?.ename, "ArgumentError")
        XCTAssertEqual(e?.evalue, "sleep(...) argument 'seconds:' expects Double, got String \"two\"")
        XCTAssertEqual(e?.traceback[2], "                   ^^^^^")
    }

    func testMissingRequiredArgumentShowsTheSignature() {
        let e = error("sleep()")
        XCTAssertEqual(e?.evalue, "sleep(...) is missing 'seconds:'; the signature is sleep(seconds: Double)")
        XCTAssertEqual(e?.traceback[2], "    ^^^^^^^")
    }

    func testUnlabelledArgumentWhereALabelIsNeededShowsHowToWriteIt() {
        XCTAssertEqual(error("sleep(2)")?.evalue, "sleep(...) needs labelled arguments; write sleep(seconds: 2)")
    }

    func testOutOfRangeNumber() {
        XCTAssertEqual(error("sleep(seconds: -1)")?.evalue, "sleep(...) argument 'seconds:' must be between 0 and 86400, got -1")
    }

    func testCallingAValueIsANameError() {
        _ = engine.execute("let x = 1", output: sink)
        XCTAssertEqual(error("x()")?.evalue, "'x' is a value, not a command")
    }

    func testHelpOfUnknownCommandSuggests() {
        let e = error("help(\"trian\")")
        XCTAssertEqual(e?.ename, "NameError")
        XCTAssertTrue(e?.evalue.hasPrefix("no command 'trian'") == true, e?.evalue ?? "")
        XCTAssertEqual(e?.traceback[2], "         ^^^^^^^", "caret under the argument")
    }

    func testFailingStatementHasNoEffectButEarlierStatementsKeepTheirs() {
        let e = error("let a = 1\nlet b = nope\nlet c = 3")
        XCTAssertEqual(e?.ename, "NameError")
        XCTAssertEqual(engine.session.value(of: "a"), .int(1))
        XCTAssertNil(engine.session.value(of: "b"))
        XCTAssertNil(engine.session.value(of: "c"))
    }

    func testEveryErrorKindComesFromTheFixedSet() {
        XCTAssertEqual(Set(ErrorKind.allCases.map(\.rawValue)), [
            "SyntaxError", "NameError", "ArgumentError", "FileError", "FormatError", "StateError", "NumericError", "KeyboardInterrupt",
        ])
    }

    func testHandlerErrorsPointAtTheNamedArgumentAndForeignErrorsMapToStateError() {
        struct Foreign: Error {}
        struct Convertible: CellErrorConvertible {
            var sessionError: SessionError { SessionError(.format, "bad header in model.safetensors") }
        }
        let registry = CommandRegistry()
        registry.register(Command(name: "open", group: .data, summary: "s", doc: "", parameters: [
            Parameter("path", .string, doc: "p"), Parameter("mode", .int, default: .int(0), doc: "m"),
        ], example: "open(path: \"x\")") { args, _ in
            switch try args.int("mode") {
            case 0: throw SessionError(.file, "no such file: x", argument: "path")
            case 1: throw Foreign()
            default: throw Convertible()
            }
        })
        let engine = Engine(registry: registry)
        let fileError = engine.execute("open(mode: 0, path: \"x\")", output: sink).error
        XCTAssertEqual(fileError?.ename, "FileError")
        XCTAssertEqual(fileError?.traceback[2], "                  ^^^^^^^^^")
        XCTAssertEqual(engine.execute("open(path: \"x\", mode: 1)", output: sink).error?.ename, "StateError")
        XCTAssertEqual(engine.execute("open(path: \"x\", mode: 2)", output: sink).error?.evalue, "bad header in model.safetensors")
    }

    func testSuggestionDistanceCountsTranspositionsAsOne() {
        XCTAssertEqual(Suggestions.distance("trian", "train"), 1)
        XCTAssertEqual(Suggestions.distance("epocs", "epochs"), 1)
        XCTAssertEqual(Suggestions.distance("", "abc"), 3)
        XCTAssertEqual(Suggestions.closest(to: "xyz", in: ["train", "load"]), [])
    }
}
