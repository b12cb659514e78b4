/// Training curves: loss, pre-training losses, accuracy, learning rate.
extension Charts {
    /// Fine-tuning loss per optimiser step: the raw loss as a faint line, its EMA as a bold
    /// line, validation losses as points.
    public static func loss(steps: [Int], losses: [Double], smoothing: Double = 0.9,
                            validation: [(step: Int, loss: Double)] = []) -> Figure {
        var axes = Axes(x: Axis(label: "step", integerTicks: true), y: Axis(label: "loss"))
        axes.series += trainingCurves(name: "train", steps: steps, values: losses, smoothing: smoothing,
                                      color: Palette.category(0))
        if !validation.isEmpty {
            axes.series.append(.scatter(ScatterSeries(name: "validation", x: validation.map { Double($0.step) },
                                                      y: validation.map(\.loss), color: Palette.category(1),
                                                      radius: 4.5)))
        }
        var figure = Figure(title: "training loss", panels: [axes])
        var alt = "training loss over \(steps.count) steps"
        if let last = lastFinite(losses) {
            alt += ": last \(number(last))"
            if let smooth = lastFinite(exponentialMovingAverage(losses, smoothing: smoothing)), smoothing > 0 {
                alt += ", smoothed \(number(smooth))"
            }
        }
        if let v = validation.last(where: { $0.loss.isFinite }) {
            alt += "; validation \(number(v.loss)) at step \(v.step)"
        }
        figure.altText = alt
        return figure
    }

    /// Several losses side by side (pre-training: MLM and NSP), one panel each so that each
    /// keeps its own scale (MLM starts near ln(vocabulary) ~ 10, NSP near ln 2 ~ 0.7).
    public static func losses(steps: [Int], series: [(name: String, values: [Double])],
                              smoothing: Double = 0.9) -> Figure {
        let panels = series.enumerated().map { k, s -> Axes in
            var axes = Axes(title: s.name, x: Axis(label: "step", integerTicks: true), y: Axis(label: "loss"))
            axes.series = trainingCurves(name: s.name, steps: steps, values: s.values, smoothing: smoothing,
                                         color: Palette.category(k))
            return axes
        }
        let columns = max(1, min(series.count, 3))
        var figure = Figure(width: columns == 1 ? 720 : 440 * Double(columns), height: 400, title: "pre-training loss",
                            panels: panels, columns: columns)
        let lasts = series.map { s in "\(s.name) \(lastFinite(s.values).map(number) ?? "none")" }
        figure.altText = "pre-training loss over \(steps.count) steps" + (lasts.isEmpty ? "" : ": last " + lasts.joined(separator: ", "))
        return figure
    }

    /// Accuracy per epoch, train and validation, with markers (there are few epochs).
    /// - metric: what the accuracy is ("accuracy", "subset accuracy"), for the axis and title
    public static func accuracy(epochs: [Int], train: [Double], validation: [Double], metric: String = "accuracy") -> Figure {
        let x = epochs.map(Double.init)
        var axes = Axes(x: Axis(label: "epoch", integerTicks: true), y: Axis(label: metric))
        if !train.isEmpty {
            axes.series.append(.line(LineSeries(name: "train", x: x, y: train, color: Palette.category(0), markers: true)))
        }
        if !validation.isEmpty {
            axes.series.append(.line(LineSeries(name: "validation", x: x, y: validation, color: Palette.category(1),
                                                markers: true)))
        }
        var figure = Figure(title: metric, panels: [axes])
        var parts: [String] = []
        if let t = lastFinite(train) { parts.append("train \(number(t))") }
        if let v = lastFinite(validation) { parts.append("validation \(number(v))") }
        figure.altText = "\(metric) over \(epochs.count) epochs" + (parts.isEmpty ? "" : ": last " + parts.joined(separator: ", "))
        return figure
    }

    /// The learning-rate schedule per step (warm-up and decay).
    public static func learningRate(steps: [Int], lrs: [Double]) -> Figure {
        var axes = Axes(x: Axis(label: "step", integerTicks: true), y: Axis(label: "learning rate", includeZero: true))
        axes.series.append(.line(LineSeries(x: steps.map(Double.init), y: lrs, color: Palette.category(2))))
        var figure = Figure(title: "learning-rate schedule", panels: [axes])
        let peak = lrs.filter { $0.isFinite }.max()
        figure.altText = "learning rate over \(steps.count) steps" + (peak.map { ", peak \(number($0))" } ?? "")
        return figure
    }

    /// Several runs' curves of one quantity against the optimizer step, one colour and legend
    /// entry per run (`plot("loss", runs: [...])`): losses drawn as their EMA, evaluations
    /// (few points) with markers.
    /// - series: (run name, steps, values) per run
    public static func runs(_ quantity: String, series: [(name: String, steps: [Int], values: [Double])],
                            smoothing: Double = 0) -> Figure {
        var axes = Axes(x: Axis(label: "step", integerTicks: true), y: Axis(label: quantity))
        for (k, run) in series.enumerated() {
            let values = smoothing > 0 ? exponentialMovingAverage(run.values, smoothing: smoothing) : run.values
            axes.series.append(.line(LineSeries(name: run.name, x: run.steps.map(Double.init), y: values,
                                                color: Palette.category(k), width: 2, markers: run.steps.count <= 30)))
        }
        var figure = Figure(title: "\(quantity) by run", panels: [axes])
        figure.altText = "\(quantity) of \(series.count) runs: " + series.map { run in
            "\(run.name) last \(lastFinite(run.values).map(number) ?? "none")"
        }.joined(separator: ", ")
        return figure
    }

    /// Raw values (faint, thin) under their EMA (bold), sharing one colour.
    static func trainingCurves(name: String, steps: [Int], values: [Double], smoothing: Double,
                               color: Color) -> [Series] {
        let x = steps.map(Double.init)
        let smoothed = exponentialMovingAverage(values, smoothing: smoothing)
        let w = smoothing.isFinite ? min(max(smoothing, 0), 0.999) : 0
        if w == 0 {
            return [.line(LineSeries(name: name, x: x, y: values, color: color, width: 2))]
        }
        return [
            .line(LineSeries(name: "\(name) (raw)", x: x, y: values, color: color, width: 1.2, opacity: 0.3)),
            .line(LineSeries(name: "\(name) (EMA \(Ticks.format(w, step: 0.01)))", x: x, y: smoothed,
                             color: color, width: 2.5)),
        ]
    }
}
