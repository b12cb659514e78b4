import Foundation
import TestSupport
import XCTest
@testable import Bert
@testable import CellLanguage

/// `train`'s duration estimate (issue 18 part 6): one line after its first steps, and the ETA
/// in the progress display. The wording is checked on given times, never on measured ones.
final class TrainingEstimateTests: XCTestCase {
    func testTheEstimateLineScalesTheFirstStepsToTheRunInSecondsMinutesOrHours() {
        XCTAssertEqual(ProgressBar.estimateLine(elapsed: 0.6, completed: 3, total: 150),
                       "about 30 s for this run (150 steps at 0.2 s per step, validation not included)")
        XCTAssertEqual(ProgressBar.estimateLine(elapsed: 3, completed: 3, total: 300),
                       "about 5 min for this run (300 steps at 1 s per step, validation not included)")
        XCTAssertEqual(ProgressBar.estimateLine(elapsed: 30, completed: 3, total: 1000),
                       "about 2.8 h for this run (1000 steps at 10 s per step, validation not included)")
        XCTAssertEqual(ProgressBar.estimateLine(elapsed: 0, completed: 3, total: 10).prefix(12), "about 1 s fo")
    }

    func testTheEstimateComesAfterTheThirdStepOrTheLastButOneOfAShortRun() {
        XCTAssertEqual(ProgressBar.estimateAfterSteps(100), 3)
        XCTAssertEqual(ProgressBar.estimateAfterSteps(3), 2)
        XCTAssertEqual(ProgressBar.estimateAfterSteps(2), 1)
        XCTAssertEqual(ProgressBar.estimateAfterSteps(1), .max)
    }

    /// The progress display's ETA: the time per step so far times the steps left.
    func testTheProgressDisplayKeepsTheETA() {
        let bar = ProgressBar(output: RecordingSink(), title: "train", total: 10)
        let text = bar.render(completed: 4, samples: nil, metrics: [], elapsed: 8, done: false).plainText ?? ""
        XCTAssertTrue(text.hasSuffix("ETA 0:12"), text)
    }

    func testTrainPrintsOneEstimateLineAfterItsThirdStep() throws {
        let directory = try makeTemporaryDirectory("bert-session")
        let model = try TinyModelFixture.write(to: directory.appendingPathComponent("tiny"))
        let data = try TinyModelFixture.writeFile(TinyModelFixture.sentimentCSV(count: 60), named: "reviews.csv", in: directory)
        let session = Session()
        try session.load(model: model.path, labels: 2)
        try session.load(dataset: data.path, validation: 0.25)
        let sink = RecordingSink()
        try session.train(TrainOptions(epochs: 2, lr: 1e-3, batch: 8, maxLength: 32), output: sink)
        let lines = sink.stdout.split(separator: "\n").filter { $0.contains("for this run") }
        XCTAssertEqual(lines.count, 1, sink.stdout)
        // 45 training examples in batches of 8: 6 steps an epoch, 12 in all.
        XCTAssertTrue(lines.first?.hasPrefix("about ") ?? false)
        XCTAssertTrue(lines.first?.contains("(12 steps at ") ?? false, String(lines.first ?? ""))
        // It comes before the first epoch's line.
        let stdout = sink.stdout
        if let estimate = stdout.range(of: "for this run"), let epoch = stdout.range(of: "epoch 1") {
            XCTAssertLessThan(estimate.lowerBound, epoch.lowerBound)
        }
    }
}
