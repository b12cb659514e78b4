import Bert
import Display
import Foundation
import XCTest
@testable import Bert
@testable import CellLanguage

/// `lrFind` (issue 18 part 1): it leaves the session exactly as it was (weights, optimizer
/// moments and step, history, run log: bit for bit), two calls give the same curve bit for bit,
/// the sweep stops by fastai's rule, and bad ranges are ArgumentErrors that change nothing.
final class LearningRateFinderTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!

    override func setUpWithError() throws {
        workspace = try TinySentimentWorkspace(self, rows: 60)
    }

    /// A session with a trained model: an optimizer with moments, a history and a run.
    private func trainedSession() throws -> Session {
        let session = try workspace.session()
        try session.train(TrainOptions(epochs: 1, lr: 1e-3, batch: 8, maxLength: 32), run: RunOptions(name: "before"))
        return session
    }


    private let options = TrainOptions(batch: 8, maxLength: 32)

    func testLrFindLeavesWeightsOptimizerHistoryAndRunLogBitForBit() throws {
        let session = try trainedSession()
        let before = SessionSnapshot(session)
        XCTAssertFalse(before.moments.allSatisfy { $0 == 0 }, "the optimizer has moments to keep")
        let report = try session.lrFind(start: 1e-5, end: 1, steps: 30, options: options, output: RecordingSink())
        XCTAssertGreaterThan(report.curve.points.count, 0)
        XCTAssertEqual(SessionSnapshot(session), before)
    }

    func testTwoCallsGiveTheSameCurveAndSuggestionsBitForBit() throws {
        let session = try trainedSession()
        let a = try session.lrFind(start: 1e-5, end: 1, steps: 30, options: options)
        let b = try session.lrFind(start: 1e-5, end: 1, steps: 30, options: options)
        XCTAssertEqual(a.curve.points.map { $0.loss.bitPattern }, b.curve.points.map { $0.loss.bitPattern })
        XCTAssertEqual(a.curve.points.map { $0.smoothedLoss.bitPattern }, b.curve.points.map { $0.smoothedLoss.bitPattern })
        XCTAssertEqual(a.suggestions, b.suggestions)
        // Another seed shuffles other batches: the curve differs (the test could fail if it did not).
        var other = options
        other.seed = 7
        let c = try session.lrFind(start: 1e-5, end: 1, steps: 30, options: other)
        XCTAssertNotEqual(a.curve.points.map(\.loss), c.curve.points.map(\.loss))
    }

    /// fastai's rule: the sweep stops at the first smoothed loss over 4 × the minimum before it
    /// (or at a non-finite loss, which is not recorded); up to there every point is finite and
    /// below the bound. A sweep to lr 10 on the tiny model diverges well before its end.
    func testTheSweepStopsWhenTheSmoothedLossPassesFourTimesItsMinimum() throws {
        let session = try trainedSession()
        let report = try session.lrFind(start: 1e-4, end: 10, steps: 200, options: options)
        let points = report.curve.points
        XCTAssertLessThan(points.count, 200, "the sweep should have stopped early")
        XCTAssertTrue(points.allSatisfy { $0.loss.isFinite && $0.smoothedLoss.isFinite })
        var minimum = Double.infinity
        for (i, point) in points.enumerated() {
            minimum = min(minimum, point.smoothedLoss)
            if i < points.count - 1 { XCTAssertLessThanOrEqual(point.smoothedLoss, 4 * minimum, "step \(i + 1)") }
        }
        switch report.curve.stop {
        case .diverged(let step):
            XCTAssertEqual(step, points.count)
            XCTAssertGreaterThan(points.last!.smoothedLoss, 4 * points.dropLast().map(\.smoothedLoss).min()!)
        case .nonFinite(let step):
            XCTAssertEqual(step, points.count + 1)
        case .completed:
            XCTFail("a sweep to lr 10 should not complete")
        }
        // The rates are the planned exponential ones (fastai's SchedExp), whatever the stop.
        let planned = LearningRateFinder.rates(start: 1e-4, end: 10, steps: 200)
        XCTAssertEqual(points.map(\.learningRate), Array(planned.prefix(points.count)))
    }

    func testTheReportSaysHowEachSuggestionWasChosenAndThePlotUsesALogAxis() throws {
        let engine = Engine()
        let sink = RecordingSink()
        for code in ["load(model: \"\(modelDirectory.path)\", labels: 2)", "load(dataset: \"\(dataPath)\", validation: 0.25)"] {
            XCTAssertNil(engine.execute(code, output: sink).error)
        }
        let outcome = engine.execute("lrFind(start: 1e-5, end: 1, steps: 40, batch: 8, maxLength: 32)", output: sink)
        XCTAssertNil(outcome.error)
        let text = try XCTUnwrap(outcome.value?.plainText)
        XCTAssertTrue(text.hasPrefix("lrFind: "), text)
        for name in ["valley", "steep", "minimum/10"] {
            XCTAssertTrue(text.contains("\n  \(name)"), "\(name) in\n\(text)")
        }
        XCTAssertTrue(outcome.value?.data["text/html"].map { "\($0)".contains("how it was chosen") } ?? false)
        let svg = sink.events.compactMap { event -> String? in
            if case .display(let bundle, _) = event, case .string(let svg)? = bundle.data["image/svg+xml"] { return svg }
            return nil
        }.first
        XCTAssertTrue(svg?.contains("learning rate (log scale)") ?? false)
        XCTAssertTrue(svg?.contains("valley") ?? false)
        XCTAssertNil(engine.session.component(OptimizerState.self), "lrFind made no optimizer for the session")
        XCTAssertTrue(engine.session.runLog.runs.isEmpty)
    }

    func testABadRangeIsAnArgumentErrorAndChangesNothing() throws {
        let session = try trainedSession()
        let before = SessionSnapshot(session)
        XCTAssertThrowsError(try session.lrFind(start: 1e-2, end: 1e-3, steps: 30)) { error in
            XCTAssertEqual((error as? SessionError)?.kind, .argument)
            XCTAssertEqual((error as? SessionError)?.argument, "end")
        }
        XCTAssertThrowsError(try session.lrFind(start: 1e-3, end: 1e-3, steps: 30)) { error in
            XCTAssertEqual((error as? SessionError)?.argument, "end")
        }
        XCTAssertThrowsError(try session.lrFind(start: 1e-7, end: 1, steps: 3)) { error in
            XCTAssertEqual((error as? SessionError)?.argument, "steps")
        }
        XCTAssertEqual(SessionSnapshot(session), before)
        XCTAssertEqual(Engine().execute("lrFind(start: 0)", output: RecordingSink()).error?.ename, "ArgumentError")
    }

    func testAnInterruptStopsLrFindAndLeavesTheSessionUntouched() throws {
        let session = try trainedSession()
        let before = SessionSnapshot(session)
        XCTAssertThrowsError(try session.lrFind(start: 1e-5, end: 1, steps: 30, options: options,
                                                output: InterruptingSink(session))) { error in
            XCTAssertEqual((error as? SessionError)?.kind, .interrupt)
        }
        session.clearInterrupt()
        XCTAssertEqual(SessionSnapshot(session), before)
    }
}
