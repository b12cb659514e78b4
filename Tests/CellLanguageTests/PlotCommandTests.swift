import Display
import Foundation
import TextDatasets
import XCTest
@testable import CellLanguage

/// Every plot kind is one display_data with SVG, PNG and text, and no cell result; missing
/// data gives a StateError that says what to run first.
final class PlotCommandTests: XCTestCase {
    // XCTest makes a new instance for each test: each gets its own engine and sink.
    private let engine = Engine()
    private let sink = RecordingSink()

    private func run(_ code: String) -> CellOutcome { engine.execute(code, output: sink) }

    private var displays: [MimeBundle] {
        sink.events.compactMap { if case .display(let bundle, _) = $0 { return bundle } else { return nil } }
    }

    /// The last display is a plot: SVG text, a PNG that starts with the PNG signature, text/plain.
    private func assertPlot(_ code: String, mentions: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = displays.count
        let outcome = run(code)
        XCTAssertNil(outcome.error, "\(code): \(outcome.error.map { "\($0)" } ?? "")", file: file, line: line)
        XCTAssertNil(outcome.value, "\(code) returns no value", file: file, line: line)
        XCTAssertEqual(displays.count, before + 1, "\(code) sends one display_data", file: file, line: line)
        let bundle = try XCTUnwrap(displays.last, file: file, line: line)
        let svg = try XCTUnwrap(bundle.data["image/svg+xml"]?.stringValue, file: file, line: line)
        XCTAssertTrue(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"), file: file, line: line)
        let png = try XCTUnwrap(bundle.data["image/png"]?.stringValue.flatMap { Data(base64Encoded: $0) }, file: file, line: line)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], file: file, line: line)
        let plain = try XCTUnwrap(bundle.plainText, file: file, line: line)
        XCTAssertTrue(plain.contains(mentions), "\(code): \(plain)", file: file, line: line)
    }

    private func installEverything() throws {
        engine.session.setComponent(try TeachingFixtures.model())
        engine.session.setComponent(LoadedDataset(try TextDataset.load(dataset: "demo")))
        engine.session.setComponent(TeachingFixtures.history())
    }

    func testEveryHistoryAndDataKindDrawsSVGPNGAndTextWithoutAResult() throws {
        try installEverything()
        try assertPlot("plot(\"loss\")", mentions: "training loss over 12 steps")
        try assertPlot("plot(\"accuracy\")", mentions: "validation 0.7")
        try assertPlot("plot(\"lr\")", mentions: "learning rate over 12 steps")
        try assertPlot("plot(\"confusion\")", mentions: "neg: 5 2")
        try assertPlot("plot(\"lengths\")", mentions: "1 longer than maxLength 16")
        try assertPlot("plot(\"labels\")", mentions: "train:")
    }

    func testAttentionDrawsOneHeadOrTheWholeLayer() throws {
        engine.session.setComponent(try TeachingFixtures.model())
        try assertPlot("plot(attention: \"The child came home.\", layer: 1, head: 2)", mentions: "layer 1, head 2 over 7 tokens")
        try assertPlot("plot(attention: \"The child came home.\", layer: 0)", mentions: "head 3:")
        try assertPlot("plot(attention: \"The child\", pair: \"came home.\")", mentions: "4 heads")
    }

    func testAttentionRejectsLayersAndHeadsTheModelLacks() throws {
        engine.session.setComponent(try TeachingFixtures.model())
        let layer = run("plot(attention: \"a\", layer: 2)").error
        XCTAssertEqual(layer?.ename, "ArgumentError")
        XCTAssertTrue(layer?.evalue.contains("layers 0...1") ?? false, layer?.evalue ?? "")
        let head = run("plot(attention: \"a\", head: 4)").error
        XCTAssertTrue(head?.evalue.contains("heads 0...3") ?? false, head?.evalue ?? "")
    }

    func testMissingDataSaysWhatToRunFirst() {
        let expectations = [
            ("plot(\"loss\")", "no training history; run train(...) first"),
            ("plot(\"accuracy\")", "run train(...) first"),
            ("plot(\"lr\")", "no training history"),
            ("plot(\"confusion\")", "run evaluate() first"),
            ("plot(\"lengths\")", "run load(model: ...) and load(dataset: ...) first"),
            ("plot(\"labels\")", "run load(dataset: ...) first"),
            ("plot(\"pretraining\")", "run pretrain(corpus: \"demo\") first"),
            ("plot(attention: \"hi\")", "no model is loaded"),
        ]
        for (code, message) in expectations {
            let error = run(code).error
            XCTAssertEqual(error?.ename, "StateError", code)
            XCTAssertTrue(error?.evalue.contains(message) ?? false, "\(code): \(error?.evalue ?? "no error")")
        }
        XCTAssertTrue(displays.isEmpty)
    }

    func testUnknownKindListsTheKindsAndSuggestsTheClosest() {
        let error = run("plot(\"los\")").error
        XCTAssertEqual(error?.ename, "ArgumentError")
        for kind in PlotKind.allCases { XCTAssertTrue(error?.evalue.contains("\"\(kind.rawValue)\"") ?? false, kind.rawValue) }
        XCTAssertTrue(error?.evalue.contains("did you mean 'loss'") ?? false, error?.evalue ?? "")
    }

    func testNaNLossesStillDrawAChart() throws {
        var history = TeachingFixtures.history()
        for i in history.steps.indices { history.steps[i].loss = .nan }
        engine.session.setComponent(history)
        try assertPlot("plot(\"loss\")", mentions: "last nan")
    }

    func testPlotKindsCompleteInsideTheString() {
        let completion = engine.complete("plot(\"l", cursor: 7)
        XCTAssertEqual(Set(completion.matches), ["labels", "lengths", "loss", "lr"])
    }
}
