import Bert
import Display
import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

/// `plot("embeddings")` on the tiny model and the sentiment CSV: one point per example with its
/// text as the SVG title, the variance on the axes, misclassified points marked, the same
/// picture twice, and a split too small for a map refused.
final class EmbeddingMapTests: XCTestCase {
    private var engine: Engine!
    private let sink = RecordingSink()

    override func setUpWithError() throws {
        let directory = try makeTemporaryDirectory("bert-session")
        let model = try TinyModelFixture.write(to: directory.appendingPathComponent("tiny"), heads: .sequenceClassification,
                                               labels: ["negative", "positive"], initializerRange: 0.3)
        let csv = try TinyModelFixture.writeFile(TinyModelFixture.sentimentCSV(count: 24), named: "reviews.csv", in: directory)
        engine = Engine()
        XCTAssertNil(engine.execute("load(model: \"\(model.path)\")", output: sink).error)
        XCTAssertNil(engine.execute("load(dataset: \"\(csv.path)\", validation: 0.5)", output: sink).error)
    }

    private var svgs: [String] {
        sink.events.compactMap { if case .display(let b, _) = $0 { return b.data["image/svg+xml"]?.stringValue } else { return nil } }
    }

    func testEveryExampleIsAPointWithItsTextAsTitleAndTheVarianceOnTheAxes() throws {
        let plot = try engine.session.plotEmbeddings(split: "validation")
        let svg = plot.figure.svg()
        let validation = try XCTUnwrap(engine.session.dataset?.dataset.validation)
        XCTAssertEqual(svg.components(separatedBy: "<g><title>").count - 1, validation.count)
        for example in validation { XCTAssertTrue(svg.contains(HTML.escape(example.text)), example.text) }
        XCTAssertTrue(svg.contains("PC1 (") && svg.contains("of variance)"))
        XCTAssertTrue(plot.description.contains("misclassified"), plot.description)
        XCTAssertEqual(try engine.session.plotEmbeddings(split: "validation").figure.svg(), svg, "deterministic")

        XCTAssertNil(engine.execute("plot(\"embeddings\", split: \"train\", layer: 0, pool: \"mean\")", output: sink).error)
        XCTAssertNil(engine.execute("plot(\"embeddings\")", output: sink).error)
        XCTAssertEqual(svgs.count, 2)
    }

    func testASplitWithFewerThanThreeExamplesAndABadLayerAreClearErrors() throws {
        let outcome = engine.execute("plot(\"embeddings\", split: \"test\")", output: sink)
        XCTAssertTrue(outcome.error.map { "\($0)" }?.contains("at least three") ?? false)
        let layer = engine.execute("plot(\"embeddings\", layer: 7)", output: sink)
        XCTAssertTrue(layer.error.map { "\($0)" }?.contains("0...1") ?? false)
    }
}
