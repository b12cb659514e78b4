import Bert
import Foundation
import Plotting

/// `plot(kind, runs: [...])`: runs of the run log drawn over one another.
extension Session {
    /// The loss (smoothed per step), the learning rate (per step) or the validation accuracy (per
    /// evaluation) of the named runs, against the optimizer step. Throws `ArgumentError` for an
    /// unknown run (naming the runs there are) or a kind that has no per-run curve.
    public func plot(_ kind: PlotKind, runs names: [String]) throws -> PlotFigure {
        let log = runLog
        guard !names.isEmpty else { throw SessionError(.argument, "runs needs at least one run name", argument: "runs") }
        let runs = try names.map { name -> RunLog.Run in
            guard let run = log.run(named: name) else {
                let known = log.runs.map { "\"\($0.name)\"" }.joined(separator: ", ")
                throw SessionError(.argument, "there is no run named \"\(name)\"" + (known.isEmpty ? "; run train(name: ...) first"
                                                                                       : "; the runs are \(known)"),
                                   argument: "runs")
            }
            return run
        }
        let series: [(name: String, steps: [Int], values: [Double])]
        let quantity: String
        switch kind {
        case .loss:
            quantity = "training loss"
            series = runs.map { run in (run.name, run.steps.map(\.step), run.steps.map(\.loss)) }
        case .lr:
            quantity = "learning rate"
            series = runs.map { run in (run.name, run.steps.map(\.step), run.steps.map(\.learningRate)) }
        case .accuracy:
            quantity = "validation accuracy"
            series = runs.map { run in
                let points = run.evaluations.compactMap { e in e.metrics.first { $0.name == "accuracy" }.map { (e.step, $0.value) } }
                return (run.name, points.map(\.0), points.map(\.1))
            }
            if let empty = series.first(where: { $0.steps.isEmpty }) {
                throw SessionError(.state, "run \"\(empty.name)\" has no validation accuracy (no validation split, or regression)",
                                   argument: "runs")
            }
        default:
            throw SessionError(.argument, "plot(\"\(kind.rawValue)\") has no per-run curve; with runs: use \"loss\", \"accuracy\" or \"lr\"",
                               argument: "runs")
        }
        let figure = Charts.runs(quantity, series: series, smoothing: kind == .loss ? 0.9 : 0)
        return PlotFigure(figure: figure, description: figure.altText ?? quantity)
    }
}
