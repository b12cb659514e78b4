import Bert
import Display
import Foundation
import XCTest
@testable import CellLanguage

/// `layers` and the neuron view on the tiny model with every head: the last layer of the lens is
/// exactly what `mask` and `predict` give, the neuron view's table is the head's numbers, the
/// outputs carry text, HTML, JSON and figures, and bad input is a clear error.
final class LayersAndNeuronViewTests: XCTestCase {
    private var engine: Engine!
    private let sink = RecordingSink()

    override func setUpWithError() throws {
        engine = Engine()
        engine.session.setComponent(try TeachingFixtures.model())
    }

    private var displays: [MimeBundle] {
        sink.events.compactMap { if case .display(let bundle, _) = $0 { return bundle } else { return nil } }
    }

    private func error(_ code: String) -> String { engine.failure(code, output: sink) }

    func testTheLastLayerOfTheMaskedLMLensIsMasksOutput() throws {
        let text = "The child came home from [MASK]."
        let report = try engine.session.layers(text, top: 5)
        XCTAssertEqual(report.lens, .maskedLM)
        XCTAssertEqual(report.layerNames, ["embeddings", "0", "1"])
        let mask = try engine.session.mask(text, top: 5)
        XCTAssertEqual(report.positions, mask.positions.map(\.position))
        let last = try XCTUnwrap(report.predictions.last)
        for (k, position) in mask.positions.enumerated() {
            XCTAssertEqual(last[k].map(\.id), position.predictions.map(\.id))
            for (a, b) in zip(last[k], position.predictions) { XCTAssertEqual(a.probability, b.probability, accuracy: 1e-6) }
        }
        XCTAssertEqual(report.tracked[0].token, mask.positions[0].predictions[0].token)
        XCTAssertEqual(report.tracked[0].probabilities.count, 3)

        let outcome = engine.execute("layers(\"\(text)\", top: 3)", output: sink)
        XCTAssertNil(outcome.error)
        let bundle = try XCTUnwrap(outcome.value)
        XCTAssertTrue(bundle.data["text/plain"]?.stringValue?.contains("trained on the last layer") ?? false)
        XCTAssertNotNil(bundle.data[MimeBundle.numbersType]?["predictions"])
        XCTAssertTrue(displays.contains { $0.data["image/svg+xml"] != nil }, "the plot by layer")
    }

    func testTheLastLayerOfTheClassifierLensIsPredictsOutput() throws {
        let text = "She was tired and hungry."
        let report = try engine.session.layers(text)
        XCTAssertEqual(report.lens, .classifier)
        let predicted = try engine.session.predict([text], maxLength: 64).items[0].probabilities
        let last = try XCTUnwrap(report.classProbabilities.last)
        for (a, b) in zip(last, predicted) { XCTAssertEqual(a, Double(b), accuracy: 1e-6) }
    }

    func testLayersNeedsAMaskOrAClassifierAndSaysWhichHeadsThereAre() throws {
        engine.session.setComponent(try TeachingFixtures.modelWithoutPretrainingHeads())
        XCTAssertEqual(try engine.session.layers("a [MASK] here").lens, .classifier, "no MLM head: the classifier lens")
        let pretrainingOnly = try TeachingFixtures.model()
        let network = try BertNetwork(config: pretrainingOnly.config, heads: .maskedLM)
        engine.session.setComponent(LoadedModel(network: network, tokenizer: pretrainingOnly.tokenizer, source: "mlm"))
        XCTAssertTrue(error("layers(\"no mask here\")").contains("no [MASK]"))
        let bare = try BertNetwork(config: pretrainingOnly.config, heads: .pooler)
        engine.session.setComponent(LoadedModel(network: bare, tokenizer: pretrainingOnly.tokenizer, source: "bare"))
        XCTAssertTrue(error("layers(\"a [MASK]\")").contains("[pooler]"))
    }

    func testTheNeuronViewShowsTheHeadsNumbersAndAFigure() throws {
        let text = "The child came home from school."
        let report = try engine.session.neuronView(text, layer: 1, head: 2, token: "home")
        XCTAssertEqual(report.tokens[report.query], "home")
        let row = report.view.probabilities[report.query]
        XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-5)
        for (a, b) in zip(report.view.softmax(row: report.query), row) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        let model = try XCTUnwrap(engine.session.model)
        let attentions = try model.infer(text, attentions: true).attentions![1]
        let T = report.tokens.count
        for j in 0..<T { XCTAssertEqual(row[j], Double(attentions[(2 * T + report.query) * T + j]), accuracy: 1e-7) }

        let outcome = engine.execute("plot(attention: \"\(text)\", layer: 1, head: 2, token: \"Home\")", output: sink)
        XCTAssertNil(outcome.error)
        XCTAssertNil(outcome.value, "plots return no value")
        XCTAssertTrue(displays.contains { $0.data[MimeBundle.numbersType]?["scores"] != nil }, "the numbers")
        XCTAssertTrue(displays.contains { $0.data["image/png"] != nil }, "the figure")
    }

    func testNeuronViewBadInputListsTheAlternatives() {
        let text = "The child came home."
        XCTAssertTrue(error("plot(attention: \"\(text)\", layer: 0, head: 0, token: \"school\")").contains("\"home\""))
        XCTAssertTrue(error("plot(attention: \"\(text)\", layer: 0, token: \"home\")").contains("head:"))
        XCTAssertTrue(error("plot(attention: \"\(text)\", layer: 0, head: 9, token: \"home\")").contains("0...3"))
    }
}
