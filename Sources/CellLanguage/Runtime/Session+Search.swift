import Bert
import Display
import Foundation
import Numerics
import Plotting
import TextDatasets

/// `search`: the typed API behind the command.
extension Session {
    /// What a search tries and how it judges them.
    public struct SearchOptions: Equatable {
        public var lr: [Double]
        public var batch: [Int]
        public var epochs: Int
        /// A metric of the task's evaluation on the validation split (`RunOptions.bestMetrics`).
        public var metric: String
        /// Seconds for the whole search; nil for no limit.
        public var budget: Double?
        /// Trials drawn at random (seeded by `seed`) from the grid; nil runs the whole grid.
        public var trials: Int?
        public var seed: Int

        public init(lr: [Double], batch: [Int], epochs: Int = 2, metric: String = "accuracy", budget: Double? = nil,
                    trials: Int? = nil, seed: Int = 42) {
            self.lr = lr
            self.batch = batch
            self.epochs = epochs
            self.metric = metric
            self.budget = budget
            self.trials = trials
            self.seed = seed
        }
    }

    /// A trial is stopped after its first epoch when its metric there is worse by more than this
    /// (absolute) than the best first-epoch metric of the trials before it.
    public static let searchEarlyStopMargin = 0.1

    /// Trains one trial per (lr, batch) of the grid (or `trials` of them, drawn with `seed`), each
    /// a real `train` from the same starting weights with a fresh optimizer, recorded in the run
    /// log as "search N", and scores it with `evaluate(split: "validation")` on its final weights.
    /// A trial whose first-epoch metric is more than `searchEarlyStopMargin` worse than the best
    /// first-epoch metric so far is stopped there (`Trainer.RunControl.stopAfterEpoch`); a trial
    /// whose loss turns non-finite is marked failed and the search goes on.
    ///
    /// Budget: before anything runs, one timed forward pass estimates the cheapest trial (a
    /// training example costs about three forward passes, forward and backward, plus a validation
    /// pass per epoch); a budget below that estimate is an `ArgumentError`. After the first trial,
    /// a trial is started only if the first trial's time fits in what is left.
    ///
    /// At the end the session holds the best trial's model (its weights kept in memory from the
    /// trial, not retrained), its optimizer (so a following `train` continues that trial's run),
    /// its history and dataset: `evaluate()` then gives that trial's evaluation, bit for bit. An
    /// interrupt keeps the finished trials, loads the best of them and rethrows; with no finished
    /// trial the session is as it was before (the run log keeps the interrupted run).
    public func search(_ search: SearchOptions, base: TrainOptions = TrainOptions(), output: OutputSink? = nil,
                       clock: @escaping () -> Double = { ProcessInfo.processInfo.systemUptime }) throws -> SearchReport {
        let grid = try searchGrid(search)
        var options = base
        options.epochs = search.epochs
        try options.checkDeclaredRanges()
        let loaded = try requireModel()
        let data = try requireDataset().dataset
        guard loaded.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        let allowed = RunOptions.bestMetrics(for: data.task)
        guard allowed.contains(search.metric) else {
            throw SessionError(.argument, "metric must be one the \(data.task.rawValue.replacingOccurrences(of: "_", with: " ")) "
                               + "evaluation reports: \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")); got \"\(search.metric)\"",
                               argument: "metric")
        }
        guard !data.validation.isEmpty else {
            throw SessionError(.state, "search scores each trial on the validation split; load the dataset with validation: 0.1")
        }
        guard !data.train.isEmpty else { throw SessionError(.state, "the dataset has no training examples") }
        let started = clock()
        if let budget = search.budget {
            let estimate = try cheapestTrialEstimate(model: loaded, data: data, batches: grid.map(\.batch), options: options)
            guard estimate <= budget else {
                throw SessionError(.argument, "budget \(Value.formatNumber(budget)) s is less than one trial: the cheapest is "
                                   + "estimated at \(String(format: "%.1f", estimate)) s (a timed forward pass × 3 per training "
                                   + "example, plus validation, × \(search.epochs) epochs)", argument: "budget")
            }
        }

        let start = SearchState(self)
        let better = BestMetric(search.metric)
        var trials: [SearchReport.Trial] = []
        var best: (index: Int, state: SearchState)?
        var bestFirst: Double?
        var note: String?
        var interruption: Error?
        let display = output.map { SearchDisplay(output: $0) }
        for (k, point) in grid.enumerated() {
            if let budget = search.budget, let first = trials.first?.seconds {
                let left = budget - (clock() - started)
                if first > left {
                    note = "stopped before trial \(k + 1) of \(grid.count): the first took \(String(format: "%.1f", first)) s and "
                        + "\(String(format: "%.1f", max(0, left))) s of the budget are left"
                    break
                }
            }
            start.restore(into: self)
            var trialOptions = options
            trialOptions.lr = point.lr
            trialOptions.batch = point.batch
            let name = "search \(runLog.runs.count + 1): lr \(Value.formatNumber(point.lr)), batch \(point.batch)"
            var first: Double?
            var stopped = false
            let trialStart = clock()
            output?.stream(.stdout, "trial \(k + 1)/\(grid.count): lr \(Value.formatNumber(point.lr)), batch \(point.batch)\n")
            var status = "finished"
            var evaluation: EvaluationReport?
            do {
                try train(trialOptions, run: RunOptions(name: name), output: output, stopAfterEpoch: { epoch, metrics in
                    guard epoch == 0, let value = metrics.first(where: { $0.name == search.metric })?.value else { return false }
                    first = value
                    guard let bestFirst else { return false }
                    let worse = better.greaterIsBetter ? bestFirst - value : value - bestFirst
                    // NaN is worse; a one-epoch trial has nothing left to stop.
                    stopped = search.epochs > 1 && !(worse <= Self.searchEarlyStopMargin)
                    return stopped
                })
                evaluation = try evaluate(split: "validation")
                if stopped { status = "stopped early" }
            } catch {
                let converted = (error as? SessionError) ?? (error as? CellErrorConvertible)?.sessionError
                switch converted?.kind {
                case .interrupt?:
                    interruption = error
                case .numeric?:
                    // A rate too high for the model: this trial's result, not the search's end.
                    status = "failed"
                    output?.stream(.stderr, "trial \(k + 1) failed: \(converted!.message)\n")
                default:
                    (best?.state ?? start).restore(into: self)
                    throw error
                }
            }
            if interruption != nil { break }
            let value = evaluation.map { Self.metricValue($0, search.metric) } ?? .nan
            trials.append(.init(number: k + 1, run: name, lr: point.lr, batch: point.batch, status: status,
                                firstEpoch: first, value: value, seconds: clock() - trialStart, evaluation: evaluation?.json))
            if let first, better.improves(first, on: bestFirst) { bestFirst = first }
            if evaluation != nil, value.isFinite, better.improves(value, on: best.map { trials[$0.index].value }) {
                best = (trials.count - 1, SearchState(self))
            }
            display?.show(trials, best: best?.index, metric: search.metric)
        }
        if let best { best.state.restore(into: self) } else { start.restore(into: self) }
        let report = SearchReport(metric: search.metric, gridSize: grid.count, trials: trials, best: best?.index,
                                  note: note, interrupted: interruption != nil)
        if let interruption {
            output?.stream(.stdout, report.outcomeLine + "\n")
            throw interruption
        }
        return report
    }

    /// The (lr, batch) pairs to try, in grid order: all, or `trials` drawn with `seed`.
    func searchGrid(_ search: SearchOptions) throws -> [(lr: Double, batch: Int)] {
        guard !search.lr.isEmpty else { throw SessionError(.argument, "the grid is empty: give lr at least one value", argument: "lr") }
        guard !search.batch.isEmpty else {
            throw SessionError(.argument, "the grid is empty: give batch at least one value", argument: "batch")
        }
        if let bad = search.lr.first(where: { !($0 > 0 && $0 < 1) }) {
            throw SessionError(.argument, "every lr must be in (0, 1), got \(Value.formatNumber(bad))", argument: "lr")
        }
        if let bad = search.batch.first(where: { !(1...65_536).contains($0) }) {
            throw SessionError(.argument, "every batch must be between 1 and 65536, got \(bad)", argument: "batch")
        }
        guard (1...10_000).contains(search.epochs) else {
            throw SessionError(.argument, "epochs must be between 1 and 10000, got \(search.epochs)", argument: "epochs")
        }
        if let budget = search.budget, !(budget > 0 && budget.isFinite) {
            throw SessionError(.argument, "budget must be a number of seconds > 0, got \(Value.formatNumber(budget))", argument: "budget")
        }
        let grid = search.lr.flatMap { lr in search.batch.map { (lr: lr, batch: $0) } }
        guard let count = search.trials else { return grid }
        guard (1...grid.count).contains(count) else {
            throw SessionError(.argument, "trials must be between 1 and the grid's \(grid.count) points, got \(count)", argument: "trials")
        }
        var generator = SeededGenerator(seed: UInt64(search.seed))
        return generator.shuffled(Array(grid.indices)).prefix(count).sorted().map { grid[$0] }
    }

    /// Seconds of the cheapest trial, from one timed forward pass of the smallest batch: a
    /// training example costs about three forward passes (the backward twice the forward), each
    /// epoch adds one validation pass.
    private func cheapestTrialEstimate(model: LoadedModel, data: TextDataset, batches: [Int], options: TrainOptions) throws -> Double {
        let size = min(batches.min() ?? 1, data.train.count)
        let sample = Array(data.train.prefix(size))
        let encoded = try Predictor(network: model.network, tokenizer: model.tokenizer)
            .encode(sample.map(\.text), pairs: sample.map(\.pair), maxLength: options.maxLength)
        let batch = try Predictor.batch(encoded, paddingId: model.tokenizer.paddingTokenId)
        let t0 = ProcessInfo.processInfo.systemUptime
        _ = try model.network.infer(batch)
        let perExample = (ProcessInfo.processInfo.systemUptime - t0) / Double(size)
        return perExample * Double(options.epochs) * (3 * Double(data.train.count) + Double(data.validation.count))
    }

    /// A metric of an evaluation by its `best:` name.
    static func metricValue(_ report: EvaluationReport, _ name: String) -> Double {
        switch name {
        case "loss": return report.loss
        case "accuracy": return report.accuracy ?? .nan
        default: return report.json[name]?.doubleValue ?? .nan
        }
    }
}

/// The parts of the session a trial changes: the model (its weights and config), dataset,
/// optimizer and history. Taken before the first trial and after each best one; `restore` puts
/// them back (the weights copied into the same network).
final class SearchState {
    let model: LoadedModel?
    let weights: [Float]?
    let config: BertConfig?
    let classifierIsFresh: Bool
    let dataset: LoadedDataset?
    let optimizer: OptimizerState?
    let history: TrainingHistory?

    init(_ session: Session) {
        model = session.model
        weights = model?.network.parameters.array
        config = model?.network.config
        classifierIsFresh = model?.classifierIsFresh ?? false
        dataset = session.component(LoadedDataset.self)
        optimizer = session.component(OptimizerState.self)
        history = session.component(TrainingHistory.self)
    }

    func restore(into session: Session) {
        if let model, let weights, let config {
            model.network.parameters.vector.copy(from: weights)
            try? model.network.updateConfig { $0 = config }
            model.classifierIsFresh = classifierIsFresh
        }
        session.setComponent(model, as: LoadedModel.self)
        session.setComponent(dataset, as: LoadedDataset.self)
        session.setComponent(optimizer, as: OptimizerState.self)
        session.setComponent(history, as: TrainingHistory.self)
    }
}

/// The search's table and plot, each one display updated in place as trials finish.
final class SearchDisplay {
    let output: OutputSink
    let tableID = "search-table-" + UUID().uuidString.lowercased()
    let plotID = "search-plot-" + UUID().uuidString.lowercased()
    var shown = false

    init(output: OutputSink) { self.output = output }

    func show(_ trials: [SearchReport.Trial], best: Int?, metric: String) {
        let report = SearchReport(metric: metric, gridSize: trials.count, trials: trials, best: best, note: nil, interrupted: false)
        let table = report.table.bundle()
        let figure = Charts.searchTrials(trials.map { (label: "\($0.number)", value: $0.value) }, metric: metric, best: best)
        let plot = try? FigureDisplay.bundle(figure, description: "")
        if shown {
            output.updateDisplay(table, displayID: tableID)
            if let plot { output.updateDisplay(plot, displayID: plotID) }
        } else {
            output.display(table, displayID: tableID)
            if let plot { output.display(plot, displayID: plotID) }
            shown = true
        }
    }
}
