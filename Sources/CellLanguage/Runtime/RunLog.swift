import Bert
import Display
import Foundation
import TextDatasets

/// Every `train` call of the session, a run each: its name, options, per-step loss and learning
/// rate, per-evaluation metrics, time, outcome and checkpoints. `runs()` shows it, `plot(kind,
/// runs:)` overlays runs, `save` writes the model's last run as `trainer_state.json`. Kept
/// across model loads (runs of several models are compared); `reset()` clears it.
///
/// `Session.recordRun` is the one place a run is recorded; a later command that trains (a
/// search, a learning-rate finder) records its runs through it too.
public struct RunLog: SessionComponent {
    public struct Run {
        public var name: String
        public var options: TrainOptions
        public var run: RunOptions
        /// "finished", "stopped early", "interrupted" or "failed".
        public var status: String
        public var seconds: Double
        /// The run's state at its end: its log (every step, every evaluation) and best evaluation.
        public var progress: TrainerProgress
        public var trainExamples: Int
        /// The optimizer step at the end.
        public var globalStep: Int
        /// The folder of its checkpoints, if it wrote any.
        public var checkpoints: String?
        /// The network it trained, so that `save` writes the right run's trainer_state.json.
        let network: ObjectIdentifier

        /// (step, loss, learning rate) of every optimizer step.
        public var steps: [(step: Int, loss: Double, learningRate: Double)] {
            progress.log.compactMap { if case let .step(s, _, loss, lr) = $0 { (s, loss, lr) } else { nil } }
        }

        /// (step, metrics) of every evaluation.
        public var evaluations: [(step: Int, metrics: [TrainerProgress.Metric])] {
            progress.log.compactMap { if case let .evaluation(s, _, metrics) = $0 { (s, metrics) } else { nil } }
        }

        /// The metric the run's best is judged by: `best:`, else the validation loss.
        public var bestSummary: (metric: String, value: Double, step: Int)? {
            if let best = progress.best { return (best.metric, best.value, best.globalStep) }
            let losses = evaluations.compactMap { e in e.metrics.first { $0.name == "loss" }.map { (e.step, $0.value) } }
            return losses.min { $0.1 < $1.1 }.map { ("loss", $0.1, $0.0) }
        }
    }

    public var runs: [Run] = []

    public init() {}

    public func run(named name: String) -> Run? { runs.last { $0.name == name } }

    public var info: InfoSection {
        InfoSection(title: "Runs", rows: runs.map { ($0.name, "\($0.status), \($0.globalStep) steps") },
                    json: .array(runs.map { .string($0.name) }))
    }
}

extension Session {
    public var runLog: RunLog { component(RunLog.self) ?? RunLog() }

    /// Records a finished, stopped or failed run: the one place the run log grows.
    func recordRun(name: String?, options: TrainOptions, run: RunOptions, status: String, started: Date,
                   progress: TrainerProgress, trainExamples: Int, globalStep: Int, network: BertNetwork) {
        var log = runLog
        let number = log.runs.count + 1
        log.runs.append(RunLog.Run(name: name ?? "run \(number)", options: options, run: run, status: status,
                                   seconds: Date().timeIntervalSince(started), progress: progress,
                                   trainExamples: trainExamples, globalStep: globalStep,
                                   checkpoints: run.checkpoints ?? run.resume,
                                   network: ObjectIdentifier(network)))
        setComponent(log)
    }

    /// `runs()`: the run log as a table.
    public func runs() -> RunsReport { RunsReport(runs: runLog.runs) }

    /// `runs(to:)`: writes the table as CSV, TSV or JSON Lines (by the extension), through a
    /// temporary file renamed at the end.
    @discardableResult
    public func runs(to path: String) throws -> URL {
        let report = runs()
        guard !report.runs.isEmpty else { throw SessionError(.state, "no runs yet; run train(...) first") }
        let url = Self.fileURL(path)
        let format: TextDataset.FileFormat
        do { format = try TextDataset.FileFormat(path: url.path) } catch {
            throw SessionError(.argument, "runs(to:) writes .csv, .tsv or .jsonl files; got \(path)", argument: "to")
        }
        let folder = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw SessionError(.file, "the folder \(folder.path) does not exist", argument: "to")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        var done = false
        defer { if !done { try? FileManager.default.removeItem(at: temporary) } }
        do {
            let writer = try TableStreamWriter(path: temporary.path, format: format, columns: RunsReport.columns)
            for row in report.cells { try writer.write(row) }
            try writer.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw SessionError(.file, "could not write \(path): " + FileFailure.sentence(errno: errno, path: url.path),
                                   argument: "to")
            }
        } catch let error as SessionError {
            throw error
        } catch {
            throw SessionError(.file, "could not write \(path): " + FileFailure.sentence(error, path: url.path), argument: "to")
        }
        done = true
        return url
    }
}

/// What `runs()` returns: one row per run with its options, outcome and best metric.
public struct RunsReport {
    public let runs: [RunLog.Run]

    static let columns = ["name", "status", "epochs", "lr", "batch", "steps", "final_loss", "best_metric", "best_value",
                          "best_step", "seconds", "checkpoints"]

    /// The table's cells, typed for the file writer.
    var cells: [[TableCell]] {
        runs.map { run in
            let best = run.bestSummary
            return [.text(run.name), .text(run.status), .number(String(run.options.epochs)), .number(Value.formatNumber(run.options.lr)),
                    .number(String(run.options.batch)), .number(String(run.steps.count)),
                    run.steps.last.map { .number(String(format: "%.6g", $0.loss)) } ?? .missing,
                    best.map { .text($0.metric) } ?? .missing, best.map { .number(String(format: "%.6g", $0.value)) } ?? .missing,
                    best.map { .number(String($0.step)) } ?? .missing, .number(String(format: "%.1f", run.seconds)),
                    run.checkpoints.map { .text($0) } ?? .missing]
        }
    }

    public var json: JSON {
        .array(runs.map { run in
            let best = run.bestSummary
            return [
                "name": .string(run.name), "status": .string(run.status), "epochs": .int(run.options.epochs),
                "lr": .double(run.options.lr), "batch": .int(run.options.batch), "steps": .int(run.steps.count),
                "final_loss": run.steps.last.map { .double($0.loss) } ?? .null,
                "best": best.map { ["metric": .string($0.metric), "value": .double($0.value), "step": .int($0.step)] } ?? .null,
                "seconds": .double(run.seconds), "checkpoints": run.checkpoints.map { .string($0) } ?? .null,
            ]
        })
    }

    public var bundle: MimeBundle {
        let rows = cells.map { row in
            row.map { cell -> String in
                switch cell {
                case .text(let t), .number(let t), .json(let t): t
                case .list(let items): items.joined(separator: ", ")
                case .missing: "-"
                }
            }
        }
        let caption = runs.isEmpty ? "no runs yet; every train(...) call is a run (name it with train(name: ...))"
                                   : "\(runs.count) run\(runs.count == 1 ? "" : "s")"
        return HTMLTable(columns: Self.columns, rows: rows, caption: caption).bundle(json: json)
    }
}
