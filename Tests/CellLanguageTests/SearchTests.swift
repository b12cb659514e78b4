import Bert
import Display
import Foundation
import XCTest
@testable import Bert
@testable import CellLanguage

/// `search` (issue 18 part 5): trials from the same weights, each a run in the run log; the
/// session ends on the best trial's weights, optimizer and evaluation, bit for bit; the early-stop
/// rule; the budget; an interrupt keeps the finished trials; bad grids are ArgumentErrors.
final class SearchTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private let base = TrainOptions(maxLength: 32)

    override func setUpWithError() throws {
        workspace = try TinySentimentWorkspace(self, rows: 60)
    }

    private func session() throws -> Session { try workspace.session() }

    /// A trial's settings trained alone: a fresh session, one epoch of `base` at `lr` and `batch`.
    private func trainedAlone(lr: Double, batch: Int) throws -> Session {
        let alone = try session()
        var options = base
        options.epochs = 1
        options.lr = lr
        options.batch = batch
        try alone.train(options)
        return alone
    }

    private func bits(_ session: Session) -> [UInt32] { session.model!.network.parameters.array.map(\.bitPattern) }

    /// The best trial's evaluation is evaluate()'s afterwards, bit for bit, and its weights are
    /// those of that trial's settings trained alone in a fresh session (training is seeded).
    func testSearchEndsOnTheBestTrialsWeightsOptimizerAndEvaluation() throws {
        let session = try session()
        let search = Session.SearchOptions(lr: [1e-4, 3e-3], batch: [8, 16], epochs: 1, metric: "loss")
        let report = try session.search(search, base: base, output: RecordingSink())
        XCTAssertEqual(report.trials.count, 4)
        let best = try XCTUnwrap(report.bestTrial)
        // loss: lower is better; the best is the lowest of the finished trials.
        XCTAssertEqual(best.value, report.trials.map(\.value).min())
        let evaluation = try session.evaluate(split: "validation")
        XCTAssertEqual(evaluation.loss.bitPattern, best.value.bitPattern)
        XCTAssertEqual(evaluation.json, best.evaluation)

        let alone = try trainedAlone(lr: best.lr, batch: best.batch)
        XCTAssertEqual(bits(session), bits(alone))
        // The optimizer is the best trial's: its step count, so a following train continues it.
        XCTAssertEqual(session.optimizer?.step.step, alone.optimizer?.step.step)
        XCTAssertEqual(session.history.steps, alone.history.steps)

        // Every trial is a run, named after its settings.
        XCTAssertEqual(session.runLog.runs.map(\.name), report.trials.map(\.run))
        XCTAssertEqual(report.trials.map(\.run).first, "search 1: lr 0.0001, batch 8")
        XCTAssertTrue(report.bundle.plainText?.contains("loaded the best, trial \(best.number)") ?? false)
    }

    /// Every trial starts from the same weights: trial 2 trained alone gives trial 2's run.
    func testEveryTrialStartsFromTheSameWeights() throws {
        let session = try session()
        let search = Session.SearchOptions(lr: [1e-3, 2e-3], batch: [8], epochs: 1, metric: "loss")
        _ = try session.search(search, base: base)
        let alone = try trainedAlone(lr: 2e-3, batch: 8)
        XCTAssertEqual(session.runLog.runs[1].steps.map { $0.loss.bitPattern },
                       alone.runLog.runs[0].steps.map { $0.loss.bitPattern })
    }

    /// A trial at a rate far too high (0.5: AdamW moves every weight by about 0.5 a step) ends
    /// its first epoch with a validation loss more than 0.1 above a trial at 1e-3, and is
    /// stopped there: one evaluation of two.
    func testATrialFarBehindAfterItsFirstEpochIsStoppedThere() throws {
        let session = try session()
        let search = Session.SearchOptions(lr: [1e-3, 0.5], batch: [8], epochs: 2, metric: "loss")
        let report = try session.search(search, base: base)
        let first = try XCTUnwrap(report.trials[0].firstEpoch)
        let second = try XCTUnwrap(report.trials[1].firstEpoch)
        XCTAssertGreaterThan(second - first, Session.searchEarlyStopMargin, "the test needs a trial far behind: \(first), \(second)")
        XCTAssertEqual(report.trials.map(\.status), ["finished", "stopped early"])
        XCTAssertEqual(session.runLog.runs.map(\.status), ["finished", "stopped early"])
        XCTAssertEqual(session.runLog.runs[1].evaluations.count, 1)
        XCTAssertEqual(report.best, 0)
        XCTAssertTrue(report.bundle.plainText?.contains("more than 0.1 worse than the best first-epoch loss") ?? false)
    }

    /// The command: lists become the grid, the table and the plot are one display each, updated
    /// in place after every trial, and the value names the best trial.
    func testTheCommandShowsATableAndAPlotUpdatedInPlaceAsTrialsFinish() throws {
        let engine = Engine()
        let sink = RecordingSink()
        for code in ["load(model: \"\(modelDirectory.path)\", labels: 2)", "load(dataset: \"\(dataPath)\", validation: 0.25)"] {
            XCTAssertNil(engine.execute(code, output: sink).error)
        }
        let outcome = engine.execute("search(lr: [1e-3, 2e-3, 3e-3], batch: [8], epochs: 1, metric: \"loss\", maxLength: 32)",
                                     output: sink)
        XCTAssertNil(outcome.error)
        XCTAssertTrue(outcome.value?.plainText?.contains("loaded the best, trial ") ?? false)
        var shown: [String] = [], updated: [String] = []
        for event in sink.events {
            switch event {
            case .display(let bundle, let id?) where id.hasPrefix("search-"): shown.append(id); _ = bundle
            case .update(_, let id) where id.hasPrefix("search-"): updated.append(id)
            default: break
            }
        }
        XCTAssertEqual(shown.count, 2, "a table and a plot")
        XCTAssertEqual(updated.count, 4, "both updated after trials 2 and 3")
        XCTAssertEqual(Set(updated), Set(shown))
        XCTAssertEqual(engine.session.runLog.runs.count, 3)
    }

    func testTrialsDrawsASeededSubsetOfTheGrid() throws {
        let session = try session()
        let search = Session.SearchOptions(lr: [1e-4, 2e-4, 3e-4], batch: [8, 16], trials: 2)
        let a = try session.searchGrid(search)
        let b = try session.searchGrid(search)
        XCTAssertEqual(a.count, 2)
        XCTAssertEqual(a.map(\.lr), b.map(\.lr))
        XCTAssertEqual(a.map(\.batch), b.map(\.batch))
        XCTAssertEqual(try session.searchGrid(Session.SearchOptions(lr: [1e-4, 2e-4], batch: [8])).count, 2)
    }

    func testBadGridsAndTooSmallABudgetAreArgumentErrorsAndChangeNothing() throws {
        let session = try session()
        let weights = bits(session)
        func argument(_ search: Session.SearchOptions) -> String? {
            do {
                _ = try session.search(search, base: base)
                return nil
            } catch {
                XCTAssertEqual((error as? SessionError)?.kind, .argument, "\(error)")
                return (error as? SessionError)?.argument
            }
        }
        XCTAssertEqual(argument(.init(lr: [], batch: [8])), "lr")
        XCTAssertEqual(argument(.init(lr: [1e-3], batch: [])), "batch")
        XCTAssertEqual(argument(.init(lr: [1e-3], batch: [8], metric: "mae")), "metric")
        XCTAssertEqual(argument(.init(lr: [1e-3], batch: [8], trials: 2)), "trials")
        XCTAssertEqual(argument(.init(lr: [2], batch: [8])), "lr")
        // One trial is 45 examples × 3 forward passes: far more than a nanosecond.
        XCTAssertEqual(argument(.init(lr: [1e-3], batch: [8], budget: 1e-9)), "budget")
        XCTAssertEqual(bits(session), weights)
        XCTAssertTrue(session.runLog.runs.isEmpty)
        XCTAssertNil(session.component(OptimizerState.self))
        let engine = Engine()
        XCTAssertEqual(engine.execute("search(lr: [], batch: [16])", output: RecordingSink()).error?.ename, "ArgumentError")
    }

    /// The budget is checked before each trial against the first trial's time. The injected
    /// clock is read at the start, at each trial's start and end, and at each check: call n reads
    /// 100 · (n / 3) s, so trial 1 takes 100 s and the checks before trials 2 and 3 see 100 and
    /// 200 s gone. With 250 s, trial 2 fits (150 left) and trial 3 does not (50 left).
    func testATrialThatCannotFinishInTheBudgetIsNotStarted() throws {
        let session = try session()
        let search = Session.SearchOptions(lr: [1e-3, 2e-3, 3e-3], batch: [8], epochs: 1, metric: "loss", budget: 250)
        var calls = 0
        let report = try session.search(search, base: base, clock: {
            calls += 1
            return 100 * Double(calls / 3)
        })
        XCTAssertEqual(report.trials.map(\.seconds), [100, 100])
        XCTAssertTrue(report.note?.contains("stopped before trial 3 of 3") ?? false, report.note ?? "no note")
        XCTAssertEqual(session.runLog.runs.count, 2)
    }

    /// An interrupt during the second trial (after its duration estimate, three steps in) keeps
    /// the first and loads it (its weights, bit for bit).
    func testAnInterruptKeepsTheFinishedTrialsAndLoadsTheBest() throws {
        let session = try session()
        let alone = try trainedAlone(lr: 1e-3, batch: 8)
        final class Interrupter: OutputSink {
            let session: Session
            var trials = 0
            init(_ session: Session) { self.session = session }
            func stream(_ name: StreamName, _ text: String) {
                if text.hasPrefix("trial ") { trials += 1 }
                if trials == 2, text.contains("for this run") { session.interrupt() }
            }
            func display(_ bundle: MimeBundle, displayID: String?) {}
            func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
            func clearOutput(wait: Bool) {}
        }
        let search = Session.SearchOptions(lr: [1e-3, 2e-3], batch: [8], epochs: 1, metric: "loss")
        XCTAssertThrowsError(try session.search(search, base: base, output: Interrupter(session))) { error in
            XCTAssertEqual((error as? SessionError)?.kind, .interrupt)
        }
        session.clearInterrupt()
        XCTAssertEqual(bits(session), bits(alone))
        XCTAssertEqual(session.runLog.runs.map(\.status), ["finished", "interrupted"])
    }
}
