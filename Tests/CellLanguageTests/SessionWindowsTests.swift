import Bert
import Display
import Foundation
import XCTest
@testable import CellLanguage

/// `train`, `evaluate` and `predict` with `window:`, `stride:`, `aggregate:`, and
/// `tokenize(stride:)`, on the tiny model: every window trains, evaluation and prediction are per
/// text, and impossible windows are clear errors that keep the session.
final class SessionWindowsTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private let sink = RecordingSink()

    override func setUpWithError() throws { workspace = try TinySentimentWorkspace(self, heads: .sequenceClassification, labels: ["negative", "positive"]) }

    /// Long reviews: a sentence of the label's sentiment repeated 2 to 7 times (12 to 42 tokens).
    private func longReviews(count: Int = 40) throws -> String {
        var lines = ["text,label"]
        for i in 0..<count {
            let positive = i % 2 == 0
            let word = positive ? TinyModelFixture.positive[i % 5] : TinyModelFixture.negative[i % 5]
            let sentence = "\(TinyModelFixture.subjects[i % 6]) was very \(word) ."
            lines.append(Array(repeating: sentence, count: 2 + i % 6).joined(separator: " ") + "," + (positive ? "positive" : "negative"))
        }
        return try TinyModelFixture.writeFile(lines.joined(separator: "\n") + "\n", named: "long.csv", in: directory).path
    }

    private func session() throws -> Session {
        let session = Session()
        _ = try session.load(model: modelDirectory.path)
        _ = try session.load(dataset: try longReviews(), validation: 0.25)
        return session
    }

    func testTrainingUsesEveryWindowAndValidationIsPerText() throws {
        let session = try session()
        let data = try XCTUnwrap(session.component(LoadedDataset.self)).dataset
        let model = try XCTUnwrap(session.component(LoadedModel.self))
        let windows = TextWindows(length: 16, stride: 4)
        let expected = try data.train.reduce(0) { sum, example in
            sum + (try model.tokenizer.encodeWindows(example.text, maxLength: 16, stride: 4).count)
        }
        XCTAssertGreaterThan(expected, data.train.count * 2, "the texts are long for this window")
        let report = try session.train(TrainOptions(epochs: 1, batch: 8, window: windows.length, stride: windows.stride), output: sink)
        XCTAssertEqual(report.examples, expected, "one training example per window")
        XCTAssertGreaterThan(report.validationExamples, data.validation.count, "validation windows")
        XCTAssertTrue(sink.stdout.contains("\(data.train.count) training texts became \(expected) windows of at most 16 tokens"),
                      sink.stdout)
        let epoch = try XCTUnwrap(report.epochs.last)
        XCTAssertNotNil(epoch.validationAccuracy)
        // accuracy per text: a multiple of 1 / (validation texts)
        let n = Double(data.validation.count)
        XCTAssertEqual((epoch.validationAccuracy! * n).rounded(), epoch.validationAccuracy! * n, accuracy: 1e-9)
    }

    func testEvaluateWithWindowsScoresEachTextOnce() throws {
        let session = try session()
        let data = try XCTUnwrap(session.component(LoadedDataset.self)).dataset
        for aggregate in WindowAggregation.allCases {
            let report = try session.evaluate(split: "validation", windows: TextWindows(length: 16, stride: 4, aggregate: aggregate))
            guard case .singleLabel(let metrics, _) = report.details else { return XCTFail("single-label") }
            XCTAssertEqual(metrics.confusion.flatMap { $0 }.reduce(0, +), data.validation.count, "\(aggregate)")
        }
    }

    /// `aggregate: "first"` is plain truncation to the window for a single text (within float
    /// rounding: the windows of one text are batched, so padded, together).
    func testPredictWithTheFirstWindowEqualsTruncationToTheWindow() throws {
        let session = try session()
        let text = Array(repeating: "the plot was very dull .", count: 6).joined(separator: " ")
        let truncated = try session.predict([text], maxLength: 16)
        let first = try session.predict([text], windows: TextWindows(length: 16, stride: 4, aggregate: .first))
        let mean = try session.predict([text], windows: TextWindows(length: 16, stride: 4, aggregate: .mean))
        for (a, b) in zip(truncated.items[0].logits, first.items[0].logits) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // the mean of the windows' logits, each window predicted on its own
        let model = try XCTUnwrap(session.component(LoadedModel.self))
        let windows = try model.tokenizer.encodeWindows(text, maxLength: 16, stride: 4)
        XCTAssertGreaterThan(windows.count, 2)
        let each = try windows.map { try session.predict([model.tokenizer.decode($0.ids, skipSpecialTokens: true)], maxLength: 16) }
        for label in 0..<2 {
            let average = each.map { Double($0.items[0].logits[label]) }.reduce(0, +) / Double(each.count)
            XCTAssertEqual(Double(mean.items[0].logits[label]), average, accuracy: 1e-5)
        }
    }

    func testImpossibleWindowsAreArgumentErrorsThatKeepTheSession() throws {
        let session = try session()
        let model = try XCTUnwrap(session.component(LoadedModel.self))
        let dataset = try XCTUnwrap(session.component(LoadedDataset.self))
        func argumentError(_ body: () throws -> Void, _ words: String, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { error in
                let error = error as? SessionError
                XCTAssertEqual(error?.kind, .argument, line: line)
                XCTAssertTrue(error?.message.contains(words) ?? false, "\(String(describing: error))", line: line)
            }
        }
        argumentError({ try session.train(TrainOptions(epochs: 1, window: 129)) }, "max_position_embeddings 128")
        argumentError({ try session.train(TrainOptions(epochs: 1, window: 16, stride: 14)) }, "stride must be smaller than window - 2")
        argumentError({ _ = try session.evaluate(windows: TextWindows(length: 8, stride: 6)) }, "stride must be smaller")
        argumentError({ _ = try session.predict(["a"], windows: TextWindows(length: 500, stride: 4)) }, "at most")
        argumentError({ _ = try session.tokenizeWindows("the film", maxLength: 6, stride: 4) }, "stride must be smaller than maxLength - 2")
        XCTAssertTrue(session.component(LoadedModel.self) === model)
        XCTAssertEqual(session.dataset.map { $0.dataset.train + $0.dataset.validation }, dataset.dataset.train + dataset.dataset.validation)
        XCTAssertNil(session.component(OptimizerState.self), "nothing trained")
    }

    /// A pair whose first text leaves no more than the stride of the window for the second.
    func testAPairWhoseFirstTextFillsTheWindowNamesItsLine() throws {
        let csv = "premise,hypothesis,label\nthe film was very good,the film was good,positive\n"
            + "the film was very very very very very very good,the film was good . really,negative\n"
        let path = try TinyModelFixture.writeFile(csv, named: "pairs.csv", in: directory).path
        let session = Session()
        _ = try session.load(model: modelDirectory.path, labels: 2)
        _ = try session.load(dataset: path, text: "premise", label: "label", pair: "hypothesis", validation: 0)
        XCTAssertThrowsError(try session.train(TrainOptions(epochs: 1, window: 14, stride: 2))) { error in
            XCTAssertTrue("\(error)".contains("line 3"), "\(error)")
        }
        XCTAssertNil(session.component(OptimizerState.self))
    }

    /// plot("lengths", maxLength:) counts the texts that length cuts and, when a tenth of them or
    /// more, suggests windows; maxLength belongs to that kind only.
    func testPlotLengthsCountsTheTextsAGivenMaxLengthCutsAndSuggestsWindows() throws {
        let session = try session()
        let short = try session.plot(.lengths, maxLength: 16).description
        XCTAssertTrue(short.contains("longer than maxLength 16; "), short)
        XCTAssertTrue(short.contains("train(window: 16, stride: 4)"), short)
        let long = try session.plot(.lengths, maxLength: 128).description
        XCTAssertTrue(long.contains("0 longer than maxLength 128"), long)
        XCTAssertFalse(long.contains("window"), long)
        XCTAssertThrowsError(try session.plot(.labels, maxLength: 16)) { error in
            XCTAssertEqual((error as? SessionError)?.kind, .argument)
        }
    }

    func testTokenizeWithAStrideShowsEveryWindow() throws {
        let engine = Engine()
        XCTAssertNil(engine.execute("load(model: \"\(modelDirectory.path)\")", output: sink).error)
        let outcome = engine.execute("tokenize(\"the film was very good . the plot was dull .\", maxLength: 8, stride: 2)", output: sink)
        XCTAssertNil(outcome.error)
        let plain = try XCTUnwrap(outcome.value?.plainText)
        XCTAssertTrue(plain.hasPrefix("13 tokens as 3 windows of at most 8 tokens, each sharing 2 with the next"), plain)
        XCTAssertTrue(plain.contains("window 1: [CLS] the film was very good . [SEP]"), plain)
        XCTAssertTrue(plain.contains("window 2: [CLS] good . the plot was dull [SEP]"), plain)
        XCTAssertTrue(plain.contains("window 3: [CLS] was dull . [SEP]"), plain)
        let short = try XCTUnwrap(engine.execute("tokenize(\"the film\", maxLength: 8, stride: 2)", output: sink).value?.plainText)
        XCTAssertTrue(short.hasPrefix("4 tokens: one window of at most 8 tokens holds them all"), short)
    }
}
