import Display
import Foundation
import Plotting

/// What `search` returns: one row per trial that ran, the best one (whose weights the session
/// now holds), and why the search ended early if it did.
public struct SearchReport {
    public struct Trial {
        /// 1-based position in the search's grid order.
        public let number: Int
        /// Its name in the run log.
        public let run: String
        public let lr: Double
        public let batch: Int
        /// "finished", "stopped early" (the first-epoch rule) or "failed" (a non-finite loss).
        public let status: String
        /// The metric at its first epoch's evaluation (train's own), nil if it had none.
        public let firstEpoch: Double?
        /// The metric of `evaluate(split: "validation")` on its final weights; NaN if it failed.
        public let value: Double
        public let seconds: Double
        /// That evaluation's numbers (`evaluate`'s JSON), nil if it failed.
        public let evaluation: JSON?
    }

    public let metric: String
    public let gridSize: Int
    public let trials: [Trial]
    /// Index into `trials` of the best one.
    public let best: Int?
    /// Why trials of the grid did not run (the budget), if any.
    public let note: String?
    public let interrupted: Bool

    public var bestTrial: Trial? { best.map { trials[$0] } }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.4f", value)
    }

    var table: HTMLTable {
        HTMLTable(columns: ["trial", "lr", "batch", "status", "\(metric) epoch 1", metric, "seconds"],
                  rows: trials.enumerated().map { i, t in
                      ["\(t.number)" + (i == best ? " (best)" : ""), Value.formatNumber(t.lr), "\(t.batch)", t.status,
                       Self.number(t.firstEpoch), Self.number(t.value), String(format: "%.1f", t.seconds)]
                  },
                  caption: "search: \(trials.count) of \(gridSize) trials")
    }

    var outcomeLine: String {
        guard let t = bestTrial else {
            return interrupted ? "Interrupted before any trial finished; the session is as it was before the search"
                               : "No trial finished; the session is as it was before the search"
        }
        return (interrupted ? "Interrupted: kept \(trials.count) finished trial\(trials.count == 1 ? "" : "s"); " : "")
            + "loaded the best, trial \(t.number) (lr \(Value.formatNumber(t.lr)), batch \(t.batch)): \(metric) "
            + Self.number(t.value) + "; its run in runs() is \"\(t.run)\""
    }

    var lines: [String] {
        [outcomeLine, "Early stop: a trial is stopped after its first epoch when its \(metric) there is more than "
            + "\(Value.formatNumber(Session.searchEarlyStopMargin)) worse than the best first-epoch \(metric) so far."]
            + (note.map { ["Budget: " + $0] } ?? [])
    }

    public var json: JSON {
        [
            "metric": .string(metric), "grid_size": .int(gridSize),
            "best": bestTrial.map { .int($0.number) } ?? .null,
            "trials": .array(trials.map { t in
                ["number": .int(t.number), "run": .string(t.run), "lr": .double(t.lr), "batch": .int(t.batch),
                 "status": .string(t.status), "first_epoch": t.firstEpoch.map { .double($0) } ?? .null,
                 "value": t.value.isFinite ? .double(t.value) : .null, "seconds": .double(t.seconds),
                 "evaluation": t.evaluation ?? .null]
            }),
        ]
    }

    public var bundle: MimeBundle {
        let table = self.table
        return MimeBundle(plain: table.plainText + "\n" + lines.joined(separator: "\n"),
                          html: table.html + lines.map { "<p>\(HTML.escape($0))</p>" }.joined(), json: json)
    }
}
