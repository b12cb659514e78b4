import Bert
import Display
import Foundation
import Plotting

/// `lrFind`: the typed API behind the command.
extension Session {
    /// The learning-rate range test (`LearningRateFinder`, fastai's `LRFinder`): `steps` updates
    /// at rates rising exponentially from `start` to `end` on a copy of the model with a fresh
    /// AdamW, stopping when the smoothed loss passes four times its minimum or a loss turns
    /// non-finite, and fastai's three suggestions (`LearningRateSuggestions`).
    ///
    /// The session is not changed, by success, error or interrupt alike: its model's weights and
    /// config, the optimizer (moments, step count, schedule), the history and the run log stay
    /// exactly as they were. The batches come from `options.batch` and `options.seed` (shuffled as
    /// train's first epoch), so two calls give the same curve bit for bit; `options.maxLength`,
    /// `weightDecay` and `clip` apply as in `train`.
    public func lrFind(start: Double = 1e-7, end: Double = 1.0, steps: Int = 100, options: TrainOptions = TrainOptions(),
                       output: OutputSink? = nil) throws -> LearningRateFinderReport {
        guard start.isFinite, start > 0 else {
            throw SessionError(.argument, "start must be a learning rate > 0, got \(Value.formatNumber(start))", argument: "start")
        }
        guard end.isFinite, end > start else {
            throw SessionError(.argument, "the range must rise: end (\(Value.formatNumber(end))) must be greater than start "
                               + "(\(Value.formatNumber(start)))", argument: "end")
        }
        guard end <= 10 else {
            throw SessionError(.argument, "end must be at most 10, got \(Value.formatNumber(end))", argument: "end")
        }
        guard (6...1000).contains(steps) else {
            throw SessionError(.argument, "steps must be between 6 and 1000, got \(steps) (the suggestions drop the first "
                               + "tenth and the last five points)", argument: "steps")
        }
        try options.checkDeclaredRanges()
        let loaded = try requireModel()
        try checkMaxLength(options.maxLength, for: loaded)
        var data = try requireDataset().dataset
        try options.validate(for: data.task)
        guard loaded.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        // Aligning may rename labels or set the problem type on the session's network in place:
        // put its config back whatever happens (the copy keeps the aligned one).
        let configBefore = loaded.network.config
        defer { try? loaded.network.updateConfig { $0 = configBefore } }
        let (model, aligned, _) = try align(loaded, data)
        data = aligned
        guard !data.train.isEmpty else { throw SessionError(.state, "the dataset has no training examples") }
        let L = model.labelNames.count
        if let bad = data.train.first(where: { !Self.fits($0.label, labels: L) }) {
            throw SessionError(.state, "an example (line \(bad.line)) has a label the model does not know")
        }
        let examples = try Predictor(network: model.network, tokenizer: model.tokenizer)
            .encode(data.train.map(\.text), pairs: data.train.map(\.pair), targets: data.train.map(\.label),
                    maxLength: options.maxLength)

        let copy = try BertNetwork(config: model.network.config, heads: model.network.heads)
        copy.parameters.copy(from: model.network.parameters)
        let step = try TrainingStep(network: copy, options: .init(
            learningRate: Float(start), totalSteps: steps, weightDecay: Float(options.weightDecay),
            maxGradNorm: options.clip.map(Float.init), dropoutSeed: UInt64(options.seed)))
        let finder = LearningRateFinder(step: step, paddingId: model.tokenizer.paddingTokenId)
        let progress = output.map { ProgressBar(output: $0, title: "lrFind", total: steps, unit: "step") }
        let finderOptions = LearningRateFinder.Options(start: start, end: end, steps: steps, batch: options.batch,
                                                       seed: options.seed)
        let curve = try finder.run(examples, options: finderOptions, onStep: { number, point in
            progress?.update(number, metrics: [("lr", String(format: "%.2e", point.learningRate)),
                                               ("loss", String(format: "%.4f", point.smoothedLoss))])
        }, checkInterrupt: { try self.checkInterrupt() })
        progress?.finish(curve.points.count, metrics: [("steps", "\(curve.points.count)")])
        return LearningRateFinderReport(options: finderOptions, curve: curve,
                                        suggestions: LearningRateSuggestions(curve))
    }
}

/// What `lrFind` returns: the curve, why it stopped, and the three suggestions with one line
/// each on how it was chosen.
public struct LearningRateFinderReport {
    public let options: LearningRateFinder.Options
    public let curve: LearningRateFinder.Curve
    /// Nil when the loss diverged too soon for any (the text says what to change).
    public let suggestions: LearningRateSuggestions?

    /// The first line: the sweep and where it stopped.
    var headline: String {
        let range = "\(curve.points.count) of \(options.steps) steps from \(Self.rate(options.start)) to \(Self.rate(options.end))"
        switch curve.stop {
        case .completed: return "lrFind: \(range)"
        case .diverged(let step): return "lrFind: \(range); stopped at step \(step), where the smoothed loss passed 4 × its minimum"
        case .nonFinite(let step): return "lrFind: \(range); stopped at step \(step), where the loss was not finite (not recorded)"
        }
    }

    /// (name, rate, how it was chosen) of each suggestion.
    public var lines: [(name: String, rate: Double, how: String)] {
        guard let s = suggestions else { return [] }
        return [
            ("valley", s.valley.learningRate, "fastai's default: 1/2 of the way along the longest descending run of the smoothed loss"),
            ("steep", s.steep.learningRate, "where the smoothed loss falls fastest per decade of learning rate"),
            ("minimum/10", s.minimum.learningRate, "a tenth of the rate at the lowest smoothed loss (\(Self.rate(s.minimum.markedRate)))"),
        ]
    }

    var note: String {
        suggestions == nil
            ? "no suggestions: fewer than 3 points are left after dropping the first tenth and the last five; give a smaller start or more steps"
            : "chosen from the smoothed loss (EMA 0.98, as fastai), without the first tenth of the steps and the last five; every point is finite"
    }

    static func rate(_ value: Double) -> String { String(format: "%.2e", value) }

    public var text: String {
        ([headline] + lines.map { "  \($0.name.padding(toLength: 10, withPad: " ", startingAt: 0))  \(Self.rate($0.rate))  \($0.how)" }
            + [note]).joined(separator: "\n")
    }

    public var json: JSON {
        var object: [String: JSON] = [
            "steps": .int(curve.points.count), "planned_steps": .int(options.steps),
            "learning_rates": .array(curve.points.map { .double($0.learningRate) }),
            "losses": .array(curve.points.map { .double($0.loss) }),
            "smoothed_losses": .array(curve.points.map { .double($0.smoothedLoss) }),
        ]
        for line in lines { object[line.name == "minimum/10" ? "minimum" : line.name] = .double(line.rate) }
        return .object(object)
    }

    public var bundle: MimeBundle {
        let table = HTMLTable(columns: ["suggestion", "lr", "how it was chosen"],
                              rows: lines.map { [$0.name, Self.rate($0.rate), $0.how] }, caption: headline)
        return MimeBundle(plain: text, html: table.html + "<p>\(HTML.escape(note))</p>", json: json)
    }

    /// The curve with the suggestions marked (its text is the figure's summary: the report says the rest).
    public var figure: PlotFigure {
        let marks = suggestions.map { s in
            [("valley", s.valley.markedRate, s.valley.markedLoss), ("steep", s.steep.markedRate, s.steep.markedLoss),
             ("minimum (lr/10 = \(Self.rate(s.minimum.learningRate)))", s.minimum.markedRate, s.minimum.markedLoss)]
        } ?? []
        let figure = Charts.learningRateFinder(rates: curve.points.map(\.learningRate), losses: curve.points.map(\.loss),
                                               smoothed: curve.points.map(\.smoothedLoss),
                                               marks: marks.map { (name: $0.0, rate: $0.1, loss: $0.2) })
        return PlotFigure(figure: figure, description: "")
    }
}
