/// The neuron view of one attention head for one query token (after bertviz's): the query
/// vector, every key vector, their elementwise products (each row sums to q·k), and the
/// attention weights the softmax of q·k/√d gives.
extension Charts {
    /// - tokens: (T) the sequence; query: the index of the query token
    /// - queryVector: (d); keys, products: (T, d); probabilities: (T) for the query's row
    public static func neuronView(tokens: [String], query: Int, queryVector: [Double], keys: [[Double]],
                                  products: [[Double]], probabilities: [Double], title: String) -> Figure {
        let d = queryVector.count
        let dimensions = (0..<d).map(String.init)
        func panel(_ title: String, rows: [[Double]], names: [String], ramp: Heatmap.Ramp = .viridis) -> Axes {
            var axes = Axes(title: title, x: Axis(label: "dimension", categories: dimensions, showTickLabels: d <= 32),
                            y: Axis(categories: names))
            axes.grid = false
            if !rows.isEmpty && d > 0 {
                axes.series.append(.heatmap(Heatmap(values: rows, ramp: ramp, colorBar: false)))
            }
            return axes
        }
        var weights = Axes(title: "attention of \"\(tokens[query])\" (softmax of q·k/√d)",
                           x: Axis(label: "key", categories: tokens), y: Axis(label: "weight", limits: 0...1, includeZero: true))
        weights.series.append(.bars(BarSeries(values: probabilities, color: Palette.category(0), valueLabels: tokens.count <= 16,
                                              labels: probabilities.map { String(format: "%.2f", $0) })))
        let rows = max(tokens.count, 1)
        let panelHeight = min(520, max(220, 60 + 18 * Double(rows)))
        var figure = Figure(width: 980, height: 2 * panelHeight + 60, title: title,
                            panels: [panel("query q (\"\(tokens[query])\")", rows: [queryVector], names: [tokens[query]]),
                                     weights,
                                     panel("key vectors k", rows: keys, names: tokens),
                                     panel("q ⊙ k (each row sums to q·k)", rows: products, names: tokens)],
                            columns: 2)
        let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? query
        figure.altText = "\(title): \"\(tokens[query])\" attends most to \"\(tokens[best])\" "
            + "(weight \(String(format: "%.3f", probabilities.isEmpty ? 0 : probabilities[best])))"
        return figure
    }
}
