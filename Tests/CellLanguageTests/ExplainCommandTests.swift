import Bert
import Display
import Foundation
import XCTest
@testable import CellLanguage

/// `explain` on the tiny model: the numbers equal a direct IntegratedGradients call and a direct
/// occlusion by hand, words sum their wordpieces, the display carries text, HTML and JSON, and
/// bad input is a clear error that leaves the session as it was.
final class ExplainCommandTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private var engine: Engine!
    private let sink = RecordingSink()

    override func setUpWithError() throws {
        workspace = try TinySentimentWorkspace(self, heads: .sequenceClassification, labels: ["negative", "positive"],
                                               initializerRange: 0.3)
        engine = Engine()
        XCTAssertNil(engine.execute("load(model: \"\(modelDirectory.path)\")", output: sink).error)
    }

    private func value(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> MimeBundle {
        let outcome = engine.execute(code, output: sink)
        XCTAssertNil(outcome.error, "\(code): \(outcome.error.map { "\($0)" } ?? "")", file: file, line: line)
        return try XCTUnwrap(outcome.value, file: file, line: line)
    }

    private func error(_ code: String) -> String { engine.failure(code, output: sink) }

    func testIntegratedGradientsEqualsTheBertLevelComputationAndWordsSumTheirPieces() throws {
        let text = "the film was unbelievable !"
        let report = try engine.session.explain(text, target: "positive", steps: 20, baseline: .mask)
        let e = try XCTUnwrap(report.explanations.first)
        XCTAssertEqual(e.tokens, ["[CLS]", "the", "film", "was", "un", "##believ", "##able", "!", "[SEP]"])
        let model = try XCTUnwrap(engine.session.model)
        let encoding = try model.tokenizer.encode(text)
        let direct = try IntegratedGradients(network: model.network).attribute(
            ids: encoding.ids.map(Int32.init), typeIds: encoding.typeIds.map(Int32.init),
            baselineIds: [2, 4, 4, 4, 4, 4, 4, 4, 3], target: 1, steps: 20)
        XCTAssertEqual(e.tokenScores, direct.tokenAttributions, "the session calls the one implementation")
        XCTAssertEqual(e.words.map(\.text), ["[CLS]", "the", "film", "was", "unbelievable", "!", "[SEP]"])
        XCTAssertEqual(e.words[4].tokens, [4, 5, 6])
        XCTAssertEqual(e.words[4].score, direct.tokenAttributions[4...6].reduce(0, +), accuracy: 1e-12)
        XCTAssertEqual(e.integration?.inputValue, direct.inputValue)

        let bundle = try value("explain(\"\(text)\", target: \"positive\", steps: 20)")
        let plain = try XCTUnwrap(bundle.data["text/plain"]?.stringValue)
        XCTAssertTrue(plain.contains("completeness: the attributions sum to"), plain)
        XCTAssertTrue(plain.contains("unbelievable"), plain)
        let html = try XCTUnwrap(bundle.data["text/html"]?.stringValue)
        XCTAssertTrue(html.contains("<span title="), "coloured words")
        let json = try XCTUnwrap(bundle.data[MimeBundle.numbersType]?["explanations"]?.arrayValue?.first)
        XCTAssertEqual(json["target"], "positive")
        XCTAssertEqual(json["token_attributions"]?.arrayValue?.count, 9)
        XCTAssertEqual(json["completeness"]?["steps"], 20)
    }

    func testTheDefaultTargetIsThePredictionAndFewStepsWarnWithASuggestion() throws {
        let report = try engine.session.explain("the plot is really dull", steps: 2)
        let e = try XCTUnwrap(report.explanations.first)
        XCTAssertEqual(e.target, e.predicted)
        // Two steps weight only the two ends, by 1/4 each: the sum is far from the logit change.
        if let gap = e.relativeGap, gap > ExplainReport.completenessTolerance {
            XCTAssertEqual(report.warnings.count, 1)
            XCTAssertTrue(report.warnings[0].contains("try steps: "), report.warnings[0])
            XCTAssertGreaterThanOrEqual(e.suggestedSteps ?? 0, 4)
        }
    }

    func testOcclusionReportsTheProbabilityDropOfEachMaskedWord() throws {
        let text = "the acting was superb"
        let report = try engine.session.explain(text, target: "negative", method: .occlusion)
        let e = try XCTUnwrap(report.explanations.first)
        XCTAssertNil(e.tokenScores)
        let model = try XCTUnwrap(engine.session.model)
        let encoding = try model.tokenizer.encode(text)
        func probability(_ ids: [Int]) throws -> Double {
            let logits = try model.network.infer(try BertBatch(inputIds: [ids])).logits!
            return Double(Predictor.softmax(logits)[0])
        }
        let original = try probability(encoding.ids)
        var masked = encoding.ids
        masked[4] = model.tokenizer.maskTokenId
        XCTAssertEqual(e.words[4].text, "superb")
        XCTAssertEqual(e.words[4].score, original - (try probability(masked)), accuracy: 1e-6)
        XCTAssertEqual(e.words[0].score, 0, "[CLS] is never masked")
    }

    func testBadInputIsAClearErrorAndTheModelStays() throws {
        let before = try engine.session.requireModel()
        XCTAssertTrue(error("explain(\"a film\", target: \"positiv\")").contains("\"positive\""))
        XCTAssertTrue(error("explain(\"a film\", method: \"shap\")").contains("occlusion"))
        XCTAssertTrue(error("explain(\"a film\", baseline: \"zero\")").contains("\"pad\""))
        XCTAssertTrue(error("explain(\"a film\", steps: 1)").contains("steps"))
        XCTAssertTrue(error("explain(errors: 5)").contains("no dataset is loaded"))
        XCTAssertTrue(try engine.session.requireModel() === before)
        XCTAssertNotNil(try value("explain(\"a film\", steps: 4)").data["text/html"])
    }

    func testExplainErrorsExplainsTheMostConfidentMistakesForThePredictedLabel() throws {
        XCTAssertNil(engine.execute("load(dataset: \"\(dataPath)\", validation: 0.5)", output: sink).error)
        let evaluation = try engine.session.evaluate()
        let report = try engine.session.explainErrors(3, steps: 4)
        guard case .singleLabel(_, let mistakes) = evaluation.details else { return XCTFail("single-label") }
        XCTAssertEqual(report.explanations.map(\.text), mistakes.prefix(3).map(\.1.text), "evaluate's mistakes, in order")
        for e in report.explanations {
            XCTAssertEqual(e.target, e.predicted)
            XCTAssertNotEqual(e.trueLabel, e.predicted)
        }
    }
}
