/// What each layer already knows: a probability per layer, one line per tracked outcome.
extension Charts {
    /// - layers: the x categories ("embeddings", "0", "1", ...)
    /// - series: per line its name and one probability per layer
    public static func probabilityByLayer(layers: [String], series: [(name: String, values: [Double])],
                                          title: String) -> Figure {
        var axes = Axes(x: Axis(label: "hidden state after (layer)", categories: layers),
                        y: Axis(label: "probability", limits: 0...1))
        for (k, s) in series.enumerated() {
            axes.series.append(.line(LineSeries(name: s.name, x: s.values.indices.map(Double.init), y: s.values,
                                                color: Palette.category(k), markers: true)))
        }
        var figure = Figure(title: title, panels: [axes])
        let lasts = series.map { "\($0.name) \($0.values.last.map(number) ?? "none")" }
        figure.altText = "\(title) over \(layers.count) hidden states" + (lasts.isEmpty ? "" : "; at the last: " + lasts.joined(separator: ", "))
        return figure
    }
}
