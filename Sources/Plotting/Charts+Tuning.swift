/// Tuning charts: the learning-rate finder's curve, a search's trials.
extension Charts {
    /// Loss against learning rate on a log axis (`lrFind`): the raw losses faint, the smoothed
    /// curve bold, and each suggestion a marked point named in the legend.
    /// The y axis reaches up to the smoothed curve's highest point (5% margins): the raw losses
    /// of the last steps explode and would flatten everything else, so above it they are clipped
    /// (fastai plots the smoothed curve alone).
    /// - marks: (legend name, rate, smoothed loss) of each suggestion
    public static func learningRateFinder(rates: [Double], losses: [Double], smoothed: [Double],
                                          marks: [(name: String, rate: Double, loss: Double)]) -> Figure {
        let finite = smoothed.filter(\.isFinite)
        var limits: ClosedRange<Double>?
        if let lo = (finite + losses.filter(\.isFinite)).min(), let hi = finite.max(), hi > lo {
            limits = (lo - 0.05 * (hi - lo))...(hi + 0.05 * (hi - lo))
        }
        var axes = Axes(x: Axis(label: "learning rate (log scale)", scale: .log), y: Axis(label: "loss", limits: limits))
        axes.emptyNote = "no finite losses"
        axes.series.append(.line(LineSeries(name: "loss", x: rates, y: losses, color: Palette.category(0), width: 1.2,
                                            opacity: 0.3)))
        axes.series.append(.line(LineSeries(name: "smoothed (EMA 0.98)", x: rates, y: smoothed, color: Palette.category(0),
                                            width: 2.5)))
        for (k, mark) in marks.enumerated() {
            axes.series.append(.scatter(ScatterSeries(name: mark.name, x: [mark.rate], y: [mark.loss],
                                                      color: Palette.category(k + 1), radius: 6,
                                                      titles: ["\(mark.name): \(number(mark.rate))"])))
        }
        var figure = Figure(title: "learning-rate finder", panels: [axes])
        var alt = "loss over \(rates.count) learning rates"
        if let first = rates.first, let last = rates.last { alt += " from \(number(first)) to \(number(last))" }
        if !marks.isEmpty { alt += "; " + marks.map { "\($0.name) \(number($0.rate))" }.joined(separator: ", ") }
        figure.altText = alt
        return figure
    }

    /// A search's trials: the metric of each finished trial as a bar with its value, the best
    /// one named in the title.
    /// - trials: (label, metric value) in the order they ran
    public static func searchTrials(_ trials: [(label: String, value: Double)], metric: String, best: Int?) -> Figure {
        var axes = Axes(x: Axis(label: "trial", categories: trials.map(\.label)), y: Axis(label: metric, includeZero: true))
        axes.emptyNote = "no finished trial yet"
        axes.legend = false
        axes.series.append(.bars(BarSeries(name: metric, values: trials.map(\.value), color: Palette.category(0),
                                           valueLabels: true)))
        let bestText = best.flatMap { trials.indices.contains($0) ? "best: \(trials[$0].label), \(number(trials[$0].value))" : nil }
        var figure = Figure(title: "search: \(metric) per trial" + (bestText.map { " (\($0))" } ?? ""), panels: [axes])
        figure.altText = "\(metric) of \(trials.count) trials" + (bestText.map { "; \($0)" } ?? "")
        return figure
    }
}
