/// Attention maps: one head as a token-by-token heatmap, or every head of a layer.
extension Charts {
    /// weights[i][j]: how much query token i attends to key token j (each row sums to 1).
    /// - weights: (T, T)
    public static func attention(tokens: [String], weights: [[Double]], title: String = "attention") -> Figure {
        var axes = Axes(x: Axis(label: "key (attended to)", categories: tokens),
                        y: Axis(label: "query", categories: tokens))
        axes.grid = false
        if !tokens.isEmpty && weights.contains(where: { !$0.isEmpty }) {
            axes.series.append(.heatmap(Heatmap(values: weights, domain: attentionDomain(weights), ramp: .viridis,
                                                colorBarLabel: "attention weight")))
        }
        let side = side(forCategories: tokens.count, base: 460, perItem: 18, maximum: 1000)
        var figure = Figure(width: side + 110, height: side + 20, title: title, panels: [axes])
        figure.altText = "\(title): token-by-token attention over \(tokens.count) tokens"
        return figure
    }

    /// Every head of one layer as small multiples sharing one colour scale.
    /// - heads: (H, T, T)
    public static func attentionGrid(tokens: [String], heads: [[[Double]]], title: String = "attention") -> Figure {
        let columns = heads.count <= 4 ? max(heads.count, 1) : heads.count <= 6 ? 3 : 4
        let rows = max(1, (heads.count + columns - 1) / columns)
        let panelSide = min(320, max(200, 110 + 9 * Double(tokens.count)))
        var panels: [Axes] = []
        for (h, weights) in heads.enumerated() {
            var axes = Axes(title: "head \(h)", x: Axis(categories: tokens), y: Axis(categories: tokens))
            axes.grid = false
            if !tokens.isEmpty && weights.contains(where: { !$0.isEmpty }) {
                axes.series.append(.heatmap(Heatmap(values: weights, domain: attentionDomain(heads.flatMap { $0 }),
                                                    colorBar: false)))
            }
            panels.append(axes)
        }
        let domain = attentionDomain(heads.flatMap { $0 })
        var figure = Figure(width: Double(columns) * panelSide + 110, height: Double(rows) * panelSide + 40, title: title,
                            panels: panels, columns: columns,
                            colorBar: heads.isEmpty ? nil : ColorBar(domain: domain, label: "attention weight"))
        figure.altText = "\(title): attention of \(heads.count) heads over \(tokens.count) tokens"
        return figure
    }

    /// 0...1 for probabilities; the data's range if something lies outside (not softmaxed).
    static func attentionDomain(_ weights: [[Double]]) -> ClosedRange<Double> {
        let finite = weights.joined().filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        if lo >= 0 && hi <= 1 { return 0...1 }
        return hi > lo ? lo...hi : (lo - 1)...(hi + 1)
    }
}
