import Foundation

/// Charts of the data and of evaluation: token lengths, label balance, confusion matrix.
extension Charts {
    /// Histogram of token counts per text, with the chosen `maxLength` marked and the
    /// share of texts it truncates.
    public static func lengths(lengths: [Int], maxLength: Int) -> Figure {
        let values = lengths.map(Double.init)
        var axes = Axes(x: Axis(label: "tokens per text"), y: Axis(label: "texts", includeZero: true, integerTicks: true))
        axes.series.append(.histogram(Histogram(values: values, color: Palette.category(0))))
        let truncated = lengths.filter { $0 > maxLength }.count
        let share = lengths.isEmpty ? 0 : Double(truncated) / Double(lengths.count)
        let label = "maxLength \(maxLength): \(percent(share)) truncated (\(truncated) of \(lengths.count))"
        axes.annotations.append(.verticalLine(x: Double(maxLength) + 0.5, label: label, color: Palette.category(5)))
        var figure = Figure(title: "token lengths", panels: [axes])
        let sorted = lengths.sorted()
        figure.altText = "token lengths of \(lengths.count) texts"
            + (sorted.isEmpty ? "" : ": median \(sorted[sorted.count / 2]), longest \(sorted[sorted.count - 1])")
            + "; maxLength \(maxLength) truncates \(truncated) (\(percent(share)))"
        return figure
    }

    /// Class balance: for each split, the share of each label (bars grouped by label),
    /// with the counts printed on the bars. Labels follow `order`, then any others sorted.
    public static func labels(splits: [(name: String, counts: [String: Int])], order: [String] = []) -> Figure {
        var names = order
        let others = Set(splits.flatMap { $0.counts.keys }).subtracting(order).sorted()
        names += others
        var axes = Axes(x: Axis(label: "label", categories: names),
                        y: Axis(label: "share of split (%)", includeZero: true))
        axes.grid = true
        for (k, split) in splits.enumerated() {
            let total = split.counts.values.reduce(0, +)
            let counts = names.map { split.counts[$0] ?? 0 }
            let shares = counts.map { total > 0 ? 100 * Double($0) / Double(total) : Double.nan }
            axes.series.append(.bars(BarSeries(name: "\(split.name) (n=\(total))", values: shares,
                                               color: Palette.category(k), valueLabels: true,
                                               labels: counts.map(String.init))))
        }
        if names.isEmpty { axes.x.categories = nil }
        // Headroom above the tallest bar for its count label and the legend, which would
        // otherwise overlap when a split is perfectly balanced (every bar at the top tick).
        let tallest = splits.flatMap { split -> [Double] in
            let total = split.counts.values.reduce(0, +)
            return total > 0 ? split.counts.values.map { 100 * Double($0) / Double(total) } : []
        }.max()
        if let tallest, tallest > 0 { axes.y.limits = 0...(tallest * 1.2) }
        var figure = Figure(title: "label balance", panels: [axes])
        figure.altText = "label balance of \(names.count) labels: " + splits.map { split in
            "\(split.name) " + names.map { "\($0) \(split.counts[$0] ?? 0)" }.joined(separator: ", ")
        }.joined(separator: "; ")
        return figure
    }

    /// Confusion matrix: rows are true labels, columns predictions; cells are shaded by the
    /// share of their row (so rare classes read as clearly as common ones) and show counts.
    public static func confusion(labels: [String], counts: [[Int]]) -> Figure {
        let n = labels.count
        let rows = (0..<n).map { i in (0..<n).map { j in i < counts.count && j < counts[i].count ? counts[i][j] : 0 } }
        let shares = rows.map { row -> [Double] in
            let total = row.reduce(0, +)
            return row.map { total > 0 ? Double($0) / Double(total) : 0 }
        }
        let total = rows.joined().reduce(0, +)
        let correct = (0..<n).reduce(0) { $0 + rows[$1][$1] }
        var axes = Axes(x: Axis(label: "predicted", categories: labels), y: Axis(label: "true", categories: labels))
        axes.grid = false
        if n > 0 && total > 0 {
            axes.series.append(.heatmap(Heatmap(values: shares, domain: 0...1, ramp: .blues,
                                                cellLabels: rows.map { $0.map(String.init) },
                                                colorBarLabel: "share of true class")))
        }
        let title = total > 0 ? "confusion matrix (accuracy \(percent(Double(correct) / Double(total))))"
            : "confusion matrix"
        let side = side(forCategories: n, base: 420, perItem: 60, maximum: 900)
        var figure = Figure(width: side + 120, height: side, title: title, panels: [axes])
        figure.altText = "confusion matrix of \(n) labels over \(total) examples"
            + (total > 0 ? ", accuracy \(percent(Double(correct) / Double(total)))" : "")
        return figure
    }
}
