import XCTest
@testable import CellLanguage

final class ArgumentBindingTests: XCTestCase {
    private let engine = Engine(registry: TestCommands.registry())
    private let sink = RecordingSink()

    private func result(_ code: String) -> String? { engine.execute(code, output: sink).value?.plainText }
    private func error(_ code: String) -> CellError? { engine.execute(code, output: sink).error }

    func testDefaultsAreFilledAndIntsAreAcceptedAsDoubles() {
        XCTAssertEqual(result("train()"), "\"train(epochs:lr:patience:) epochs=3 lr=5e-5 patience=nil\"")
        XCTAssertEqual(result("train(lr: 1, epochs: 2)"), "\"train(epochs:lr:patience:) epochs=2 lr=1.0 patience=nil\"")
        XCTAssertEqual(result("train(patience: 2)"), "\"train(epochs:lr:patience:) epochs=3 lr=5e-5 patience=2\"")
    }

    func testDoublesAreNotAcceptedAsInts() {
        XCTAssertEqual(error("train(epochs: 2.5)")?.evalue, "train(...) argument 'epochs:' expects Int, got Double 2.5")
    }

    func testOverloadIsChosenByItsLabels() {
        XCTAssertEqual(result("plot(\"loss\")"), "\"plot(_:) kind=\\\"loss\\\"\"")
        XCTAssertEqual(result("plot(attention: \"hi\", head: 1)"), "\"plot(attention:layer:head:) attention=\\\"hi\\\" head=1 layer=0\"")
        XCTAssertEqual(result("load(dataset: \"demo\")"), "\"load(dataset:text:) dataset=\\\"demo\\\" text=\\\"text\\\"\"")
        XCTAssertEqual(result("load(model: \"m\", labels: 4)"), "\"load(model:labels:) labels=4 model=\\\"m\\\"\"")
    }

    func testErrorComesFromTheOverloadThatKnowsTheLabels() {
        XCTAssertEqual(error("load(dataset: 3)")?.evalue, "load(...) argument 'dataset:' expects String, got Int 3")
        XCTAssertEqual(error("plot(attention: \"x\", layr: 1)")?.evalue, "plot(...) has no argument 'layr:'; did you mean 'layer'?")
    }

    func testEnumeratedValuesAreCheckedWithASuggestion() {
        let e = error("plot(\"los\")")
        XCTAssertEqual(e?.ename, "ArgumentError")
        XCTAssertEqual(e?.evalue, "plot(...) argument 'kind' must be one of \"loss\", \"accuracy\", \"lr\", \"confusion\", got \"los\"; did you mean 'loss'?")
        XCTAssertEqual(error("evaluate(split: \"dev\")")?.ename, "ArgumentError")
    }

    func testOneOfTypesAndArraysOfStrings() {
        XCTAssertEqual(result("predict(\"a\")"), "[\"a\"]")
        XCTAssertEqual(result("predict([\"a\", \"b\"])"), "[\"a\", \"b\"]")
        XCTAssertEqual(error("predict([\"a\", 1])")?.evalue, "predict(...) argument 'texts' expects String | [String], got Array [\"a\", 1]")
    }

    func testNilOnlyForOptionalParameters() {
        XCTAssertNil(error("plot(attention: \"x\", head: nil)"))
        XCTAssertEqual(error("train(epochs: nil)")?.evalue, "train(...) argument 'epochs:' expects Int, got nil")
    }

    func testGivenTwiceIsAnError() {
        XCTAssertEqual(error("train(epochs: 1, epochs: 2)")?.evalue, "'epochs' is given twice")
    }

    func testBoundValuesCanBeArguments() {
        _ = engine.execute("let n = 7", output: sink)
        XCTAssertEqual(result("train(epochs: n)"), "\"train(epochs:lr:patience:) epochs=7 lr=5e-5 patience=nil\"")
    }

    func testSignaturesAndSelectors() {
        let plots = engine.registry.overloads("plot")
        XCTAssertEqual(plots.map(\.selector), ["plot(_:)", "plot(attention:layer:head:)"])
        XCTAssertEqual(plots[1].signature, "plot(attention: String, layer: Int = 0, head: Int? = nil)")
        XCTAssertEqual(engine.registry.overloads("train")[0].signature, "train(epochs: Int = 3, lr: Double = 5e-5, patience: Int? = nil)")
    }
}
