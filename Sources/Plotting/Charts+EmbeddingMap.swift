/// A dataset's embeddings in two dimensions: one colour per label, misclassified points with a
/// dark rim, each point's text as its tooltip.
extension Charts {
    /// - points: (N) 2-D coordinates; groups: (N) index into `groupNames`; wrong: (N) marked out
    /// - titles: (N) tooltips; explained: the share of variance of the two axes
    public static func embeddingMap(points: [(x: Double, y: Double)], groups: [Int], groupNames: [String], wrong: [Bool],
                                    titles: [String], explained: (Double, Double), title: String) -> Figure {
        var axes = Axes(x: Axis(label: "PC1 (\(percent(explained.0)) of variance)"),
                        y: Axis(label: "PC2 (\(percent(explained.1)) of variance)"))
        for (g, name) in groupNames.enumerated() {
            for misclassified in [false, true] {
                let members = points.indices.filter { groups[$0] == g && wrong[$0] == misclassified }
                guard !members.isEmpty || !misclassified else { continue }
                axes.series.append(.scatter(ScatterSeries(
                    name: misclassified ? "\(name), misclassified" : name,
                    x: members.map { points[$0].x }, y: members.map { points[$0].y }, color: Palette.category(g),
                    radius: misclassified ? 5 : 4, titles: members.map { titles[$0] },
                    rim: misclassified ? Color(hex: 0x222222) : .white)))
            }
        }
        var figure = Figure(width: 760, height: 520, title: title, panels: [axes])
        figure.altText = "\(title): \(points.count) points, \(wrong.filter { $0 }.count) misclassified; "
            + "PC1 \(percent(explained.0)), PC2 \(percent(explained.1)) of the variance"
        return figure
    }
}
