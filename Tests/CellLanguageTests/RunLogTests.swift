import Bert
import Display
import ExactJSON
import Foundation
import XCTest
@testable import CellLanguage

/// The run log (issue 15 point 4): every `train` is a run with a name, `runs()` and
/// `runs(to:)`, `plot(kind, runs:)`, the per-step series in train's and pretrain's JSON,
/// `reset()`, and `save` writing the run's trainer_state.json.
final class RunLogTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private let options = TrainOptions(epochs: 2, lr: 1e-3, batch: 8, maxLength: 32)

    override func setUpWithError() throws {
        workspace = try TinySentimentWorkspace(self, rows: 60)
    }

    private func session() throws -> Session { try workspace.session() }

    func testEveryTrainIsARunShownByRunsWrittenByRunsToAndClearedByReset() throws {
        let session = try session()
        try session.train(options, run: RunOptions(name: "lr 1e-3"))
        var faster = options
        faster.lr = 3e-3
        try session.load(model: modelDirectory.path, labels: 2)   // a new model keeps the log
        try session.train(faster, run: RunOptions(best: "accuracy"))
        let runs = session.runLog.runs
        XCTAssertEqual(runs.map(\.name), ["lr 1e-3", "run 2"])
        XCTAssertEqual(runs.map(\.status), ["finished", "finished"])
        XCTAssertEqual(runs[0].steps.count, 12)
        XCTAssertEqual(runs[0].evaluations.count, 2)
        XCTAssertEqual(runs[1].bestSummary?.metric, "accuracy")
        let json = session.runs().json
        XCTAssertEqual(json.arrayValue?.count, 2)
        XCTAssertEqual(json.arrayValue?[0]["name"], .string("lr 1e-3"))
        XCTAssertEqual(json.arrayValue?[0]["best"]?["metric"], .string("loss"))
        XCTAssertTrue(session.runs().bundle.data["text/html"].map { "\($0)".contains("<table") } ?? false)

        let csv = directory.appendingPathComponent("runs.csv")
        try session.runs(to: csv.path)
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].hasPrefix("name,status,epochs,lr"), String(lines[0]))
        XCTAssertTrue(lines[1].hasPrefix("lr 1e-3,finished,2,0.001"), String(lines[1]))

        session.reset()
        XCTAssertTrue(session.runLog.runs.isEmpty)
        XCTAssertThrowsError(try session.runs(to: csv.path))
    }

    func testAnInterruptedRunIsRecordedAsInterrupted() throws {
        let session = try session()
        XCTAssertThrowsError(try session.train(options, run: RunOptions(name: "cut"), output: InterruptingSink(session)))
        XCTAssertEqual(session.runLog.runs.map(\.status), ["interrupted"])
        XCTAssertEqual(session.runLog.runs.first?.steps.count, 1)
    }

    func testPlotOverlaysRunsWithALegendAndNamesUnknownRuns() throws {
        let session = try session()
        try session.train(options, run: RunOptions(name: "a"))
        try session.load(model: modelDirectory.path, labels: 2)
        try session.train(options, run: RunOptions(name: "b"))
        for kind in [PlotKind.loss, .accuracy, .lr] {
            let plot = try session.plot(kind, runs: ["a", "b"])
            XCTAssertEqual(plot.figure.panels.first?.series.count, 2, kind.rawValue)
            XCTAssertTrue(plot.description.contains("a last") && plot.description.contains("b last"), plot.description)
            XCTAssertTrue(plot.figure.svg().contains(">b<"), "the legend names each run")
        }
        XCTAssertThrowsError(try session.plot(.loss, runs: ["c"])) { error in
            XCTAssertTrue("\(error)".contains("no run named \"c\"; the runs are \"a\", \"b\""), "\(error)")
        }
        let engine = Engine(registry: .standard(), session: session)
        let outcome = engine.execute("plot(\"loss\", runs: [\"a\", \"b\"])", output: RecordingSink())
        XCTAssertNil(outcome.error)
    }

    func testTrainAndPretrainJSONCarryEveryStep() throws {
        let session = try session()
        let report = try session.train(options)
        XCTAssertEqual(report.json["step_series"]?.arrayValue?.count, 12)
        XCTAssertNotNil(report.json["step_series"]?.arrayValue?.last?["learning_rate"])
        XCTAssertEqual(report.json["evaluations"]?.arrayValue?.count, 2)
        let summary = try session.pretrain(options: TinyModelFixture.pretrainingOptions(steps: 3))
        XCTAssertEqual(summary.json["step_series"]?.arrayValue?.count, 3)
        XCTAssertNotNil(summary.json["step_series"]?.arrayValue?.first?["mlm_loss"])
    }

    func testSaveWritesTheRunsTrainerStateBesideTheModel() throws {
        let session = try session()
        try session.train(options, run: RunOptions(best: "loss"))
        let saved = directory.appendingPathComponent("saved")
        try session.save(to: saved.path)
        let state = try OrderedJSON.parse(Array(Data(contentsOf: saved.appendingPathComponent("trainer_state.json"))))
        XCTAssertEqual(state["global_step"]?.intValue, 12)
        XCTAssertEqual(state["log_history"]?.elements?.count, 14)
        XCTAssertNotNil(state["best_metric"]?.doubleValue)
        // A model that was not trained in this session is saved without one.
        let fresh = Session()
        try fresh.load(model: modelDirectory.path)
        try fresh.save(to: directory.appendingPathComponent("untrained").path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("untrained/trainer_state.json").path))
    }
}
