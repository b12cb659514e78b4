import Display
import Foundation
import TextDatasets

/// What `predict(file:...)` shows: where the scores went, how many rows per predicted label
/// (for regression the spread of the values), and the rows that could not be read.
public struct FilePredictionReport {
    public struct UnreadableRow: Equatable {
        public var line: Int
        public var reason: String
    }

    /// Running min, mean and max of regression predictions.
    public struct ValueSummary: Equatable {
        public private(set) var count = 0
        public private(set) var min = Double.infinity
        public private(set) var max = -Double.infinity
        private var sum = 0.0

        public mutating func add(_ value: Double) {
            count += 1
            sum += value
            min = Swift.min(min, value)
            max = Swift.max(max, value)
        }

        public var mean: Double { count > 0 ? sum / Double(count) : 0 }
    }

    /// The unreadable rows listed (with their reasons); the count covers all of them.
    static let listedUnreadable = 1000

    public let input: String
    public let output: String
    public let task: TaskKind
    public let labelNames: [String]
    /// Per label, the sigmoid a multi-label prediction needs.
    public let thresholds: [Double]
    /// Rows scored and written.
    public let rows: Int
    /// Rows per predicted label, by label id (multi-label: rows with that label among theirs);
    /// zeros for regression.
    public let counts: [Int]
    /// Multi-label: rows with no label at or above its threshold.
    public let noLabel: Int
    /// Regression: the predicted values' spread.
    public let values: ValueSummary
    /// The first `listedUnreadable` rows skipped, in file order.
    public let unreadable: [UnreadableRow]
    public let unreadableCount: Int
    /// The columns added to the input's.
    public let addedColumns: [String]
    public let seconds: Double

    public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }

    public var json: JSON {
        var object: [String: JSON] = [
            "input": .string(input), "output": .string(output), "task": .string(task.rawValue), "labels": JSON(labelNames),
            "rows": .int(rows), "skipped": .int(unreadableCount),
            "skipped_rows": .array(unreadable.map { ["line": .int($0.line), "reason": .string($0.reason)] }),
            "columns_added": JSON(addedColumns), "seconds": .double(seconds), "rows_per_second": .double(rowsPerSecond),
        ]
        switch task {
        case .singleLabel:
            object["counts"] = .object(Dictionary(uniqueKeysWithValues: zip(labelNames, counts.map { JSON.int($0) }).map { ($0, $1) }))
        case .multiLabel:
            object["counts"] = .object(Dictionary(uniqueKeysWithValues: zip(labelNames, counts.map { JSON.int($0) }).map { ($0, $1) }))
            object["no_label"] = .int(noLabel)
            object["thresholds"] = JSON(thresholds)
        case .regression:
            object["values"] = ["min": .double(values.min), "mean": .double(values.mean), "max": .double(values.max)]
        }
        return .object(object)
    }

    /// One line: rows, where, how fast, what was skipped.
    public var headline: String {
        var text = "scored \(rows) row\(rows == 1 ? "" : "s") of \(input) into \(output) in "
            + ProgressBar.clockTime(seconds) + String(format: " (%.1f rows/s)", rowsPerSecond)
        if unreadableCount > 0 {
            let listed = unreadable.prefix(5).map { "line \($0.line) (\($0.reason))" }.joined(separator: ", ")
            let more = unreadableCount > 5 ? " and \(unreadableCount - 5) more" : ""
            text += "; skipped \(unreadableCount) unreadable row\(unreadableCount == 1 ? "" : "s"): \(listed)\(more)"
        }
        return text
    }

    public var bundle: MimeBundle {
        let table: HTMLTable
        func share(_ n: Int) -> String { rows > 0 ? String(format: "%.1f%%", 100 * Double(n) / Double(rows)) : "-" }
        switch task {
        case .singleLabel:
            table = HTMLTable(columns: ["predicted", "rows", "share"],
                              rows: labelNames.indices.map { [labelNames[$0], String(counts[$0]), share(counts[$0])] },
                              caption: headline)
        case .multiLabel:
            var rows = labelNames.indices.map { id in
                [labelNames[id], Value.format(thresholds[id]), String(counts[id]), share(counts[id])]
            }
            rows.append(["(none)", "", String(noLabel), share(noLabel)])
            table = HTMLTable(columns: ["label", "threshold", "rows", "share"], rows: rows, caption: headline, rightAligned: [1, 2, 3])
        case .regression:
            table = HTMLTable(columns: ["predicted", "min", "mean", "max"],
                              rows: [[labelNames.first ?? "value", String(format: "%.4g", values.min), String(format: "%.4g", values.mean),
                                      String(format: "%.4g", values.max)]],
                              caption: headline)
        }
        return table.bundle(json: json)
    }
}
