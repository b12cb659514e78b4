import Display
import Numerics
import XCTest
@testable import CellLanguage

final class EngineTests: XCTestCase {
    private let engine = Engine()
    private let sink = RecordingSink()

    private func run(_ code: String) -> CellOutcome { engine.execute(code, output: sink) }

    func testPrintWritesStdoutAndWarnStderr() {
        let outcome = run("print(\"hello, world\")\nwarn(42)")
        XCTAssertNil(outcome.error)
        XCTAssertNil(outcome.value, "print returns nothing, so the cell has no result")
        XCTAssertEqual(sink.stdout, "hello, world\n")
        XCTAssertEqual(sink.stderr, "42\n")
    }

    func testPrintOfNonStringsUsesTheirDisplay() {
        _ = run("print([1, \"a\", 2.5, true, nil]); print(\"x\", terminator: \"\")")
        XCTAssertEqual(sink.stdout, "[1, \"a\", 2.5, true, nil]\nx")
    }

    func testLastExpressionIsTheResult() {
        XCTAssertEqual(run("let x = [1, 2]\nx").value, MimeBundle(plain: "[1, 2]"))
        XCTAssertEqual(run("\"a\\tb\"").value, MimeBundle(plain: "\"a\\tb\""))
        XCTAssertEqual(run("2e-5").value, MimeBundle(plain: "2e-5"))
        XCTAssertEqual(run("-3").value, MimeBundle(plain: "-3"))
        XCTAssertNil(run("let y = 1").value)
        XCTAssertNil(run("x;").value)
        XCTAssertNil(run("").value)
    }

    func testBindingsPersistAcrossCellsAndCanBeReplaced() {
        _ = run("let lr = 5e-5")
        XCTAssertEqual(engine.session.value(of: "lr"), .double(5e-5))
        _ = run("let lr = 1")
        XCTAssertEqual(run("lr").value?.plainText, "1")
    }

    func testCommandNameAsValueAndHelpOfIt() {
        XCTAssertEqual(run("sleep").value?.plainText, "<command sleep>")
        let help = run("help(sleep)").value?.plainText ?? ""
        XCTAssertTrue(help.hasPrefix("sleep(seconds: Double)"), help)
        XCTAssertTrue(help.contains("Example:\n      sleep(seconds: 2)"), help)
        XCTAssertEqual(run("help(\"sleep\")").value?.plainText, help)
    }

    func testHelpListsEveryCommandByGroup() {
        let list = run("help()").value
        let text = list?.plainText ?? ""
        for name in ["print(_:terminator:)", "warn(_:terminator:)", "help(_:)", "sleep(seconds:)", "clear(wait:)", "info()", "reset()"] {
            XCTAssertTrue(text.contains(name), "\(name) missing from\n\(text)")
        }
        XCTAssertNotNil(list?.data["text/markdown"])
        XCTAssertNotNil(list?.data["text/html"])
    }

    func testQuestionMarkPagesTheHelpAndReturnsNoValue() {
        let outcome = run("?sleep")
        XCTAssertNil(outcome.value)
        XCTAssertEqual(outcome.pages.count, 1)
        XCTAssertTrue(outcome.pages[0].plainText?.hasPrefix("sleep(seconds: Double)") == true)
        XCTAssertEqual(run("?").pages.count, 1)
    }

    func testQuestionMarkOnUnknownNameSuggests() {
        let error = run("?slep").error
        XCTAssertEqual(error?.ename, "NameError")
        XCTAssertEqual(error?.evalue, "no command or name 'slep'; did you mean 'sleep'?")
    }

    func testClearAndDisplay() {
        _ = run("clear()\nclear(wait: true)\ndisplay(\"x\")")
        XCTAssertEqual(sink.events, [.clear(false), .clear(true), .display(MimeBundle(plain: "\"x\""), nil)])
    }

    func testInfoShowsBindingsAsTextHtmlAndJson() {
        _ = run("let name = \"<b>\"")
        let info = run("info()").value
        XCTAssertTrue(info?.plainText?.contains("name  String: \"<b>\"") == true, info?.plainText ?? "")
        XCTAssertTrue(info?.data["text/html"]?.stringValue?.contains("&lt;b&gt;") == true)
        XCTAssertEqual(info?.data[MimeBundle.numbersType]?["bindings"], ["name": "<b>"])
    }

    func testInfoNamesTheMachineAndItsBLASCore() throws {
        let machine = try XCTUnwrap(run("info()").value?.data[MimeBundle.numbersType]?["machine"])
        XCTAssertEqual(machine["blas_core"]?.stringValue, BLASCoreStatus.current.core)
        XCTAssertGreaterThan(machine["sgemm_gflops"]?.doubleValue ?? 0, 0.1, "a measured rate, not a placeholder")
        XCTAssertTrue(machine["blas"]?.stringValue?.hasPrefix("OpenBLAS") == true)
    }

    func testResetEmptiesTheSession() {
        _ = run("let a = 1")
        XCTAssertNil(run("reset()").error)
        XCTAssertEqual(run("a").error?.ename, "NameError")
        _ = run("let b = 2")
        engine.reset()
        XCTAssertEqual(engine.session.bindings, [:])
    }

    func testSessionComponentsAppearInInfoAndAreClearedByReset() {
        struct Marker: SessionComponent {
            var info: InfoSection { InfoSection(title: "Model", rows: [("layers", "6")], json: ["layers": 6]) }
        }
        engine.session.setComponent(Marker())
        XCTAssertNotNil(engine.session.component(Marker.self))
        let info = run("info()").value
        XCTAssertEqual(info?.data[MimeBundle.numbersType]?["model"], ["layers": 6])
        _ = run("reset()")
        XCTAssertNil(engine.session.component(Marker.self))
    }

    func testCommandsCannotBeRebound() {
        let error = run("let print = 3").error
        XCTAssertEqual(error?.ename, "NameError")
        XCTAssertEqual(error?.traceback, [
            "line 1, column 5:",
            "    let print = 3",
            "        ^^^^^",
            "NameError: 'print' is a command; choose another name for the value",
        ])
    }
}

final class SessionComponentTests: XCTestCase {
    private struct Model: SessionComponent, Equatable {
        var layers: Int
        var info: InfoSection { InfoSection(title: "Model", rows: [("layers", String(layers))], json: ["layers": .int(layers)]) }
    }

    private struct Data: SessionComponent {
        var info: InfoSection { InfoSection(title: "Dataset", rows: [], json: [:]) }
    }

    func testRequireThrowsAStateErrorWithTheGivenMessage() throws {
        let session = Session()
        XCTAssertThrowsError(try session.require(Model.self, "no model is loaded; run load(model: ...) first")) {
            XCTAssertEqual($0 as? SessionError, SessionError(.state, "no model is loaded; run load(model: ...) first"))
        }
        session.setComponent(Model(layers: 6))
        XCTAssertEqual(try session.require(Model.self, "unused"), Model(layers: 6))
    }

    func testComponentsKeepTheirFirstOrderAndCanBeRemoved() {
        let session = Session()
        session.setComponent(Model(layers: 2))
        session.setComponent(Data())
        session.setComponent(Model(layers: 4))
        XCTAssertEqual(session.info().map(\.title), ["Bindings", "Model", "Dataset"])
        XCTAssertEqual(session.component(Model.self)?.layers, 4)
        session.setComponent(nil, as: Model.self)
        XCTAssertEqual(session.info().map(\.title), ["Bindings", "Dataset"])
    }
}
