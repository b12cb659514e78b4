import Bert
import Foundation
import Plotting
import TextDatasets

/// What `plot(kind)` can draw.
public enum PlotKind: String, CaseIterable, Sendable {
    /// Training loss per optimizer step (raw and smoothed) with validation losses per epoch.
    case loss
    /// Train and validation accuracy per epoch.
    case accuracy
    /// The learning rate of every step: those taken, and the schedule's for the steps ahead.
    case lr
    /// The confusion matrix of the last `evaluate`.
    case confusion
    /// Token lengths of the training texts with the `maxLength` cut.
    case lengths
    /// The label balance of each split.
    case labels
    /// The masked-LM and next-sentence losses of the last `pretrain`.
    case pretraining
    /// The validation examples' [CLS] vectors projected by PCA (`plotEmbeddings`).
    case embeddings

    /// What to run first when the data for the plot is missing.
    var prerequisite: String {
        switch self {
        case .loss, .lr: return "no training history; run train(...) first"
        case .accuracy: return "no finished training epoch; run train(...) first"
        case .confusion: return "no evaluation yet; run evaluate() first"
        case .lengths: return "plot(\"lengths\") needs a model and a dataset; run load(model: ...) and load(dataset: ...) first"
        case .labels: return "no dataset is loaded; run load(dataset: ...) first"
        case .pretraining: return "no pre-training history; run pretrain(corpus: \"demo\") first"
        case .embeddings: return "plot(\"embeddings\") needs a model and a dataset; run load(model: ...) and load(dataset: ...) first"
        }
    }
}

/// A figure and a one-paragraph description of it (the `text/plain` of the plot).
public struct PlotFigure {
    public var figure: Figure
    public var description: String
}

/// `plot(kind)` and `plot(attention:layer:head:)`: the typed API behind the commands.
extension Session {
    /// The figure of `kind` from the session's history, dataset or model.
    /// Throws `StateError` naming what to run first when its data is absent.
    ///
    ///     let plot = try session.plot(.loss)
    ///     try plot.figure.png()
    ///
    /// - maxLength: for `.lengths`, the cut to draw and count (default: the last `train`'s
    ///   `maxLength`, else 128); an `ArgumentError` for the other kinds.
    public func plot(_ kind: PlotKind, maxLength cut: Int? = nil) throws -> PlotFigure {
        let history = self.history
        if cut != nil, kind != .lengths {
            throw SessionError(.argument, "maxLength applies to plot(\"lengths\") only", argument: "maxLength")
        }
        switch kind {
        case .embeddings:
            return try plotEmbeddings()
        case .loss:
            guard !history.steps.isEmpty else { throw SessionError(.state, kind.prerequisite) }
            let validation = history.epochs.compactMap { e in e.validationLoss.map { (step: e.step, loss: $0) } }
            let figure = Charts.loss(steps: history.steps.map(\.step), losses: history.steps.map(\.loss),
                                     validation: validation)
            var text = "training loss over \(history.steps.count) steps; last \(Self.number(history.steps.last!.loss))"
            if let v = validation.last { text += ", validation \(Self.number(v.loss)) at step \(v.step)" }
            return PlotFigure(figure: figure, description: text)
        case .accuracy:
            if history.task == .regression {
                throw SessionError(.state, "plot(\"accuracy\") needs a classification task; the model was trained for "
                                   + "regression (plot(\"loss\") shows its mean squared error)")
            }
            guard !history.epochs.isEmpty else { throw SessionError(.state, kind.prerequisite) }
            let epochs = history.epochs
            let name = TrainingReport.accuracyName(history.task ?? .singleLabel) ?? "accuracy"
            let validation = epochs.map { $0.validationAccuracy ?? .nan }
            let figure = Charts.accuracy(epochs: epochs.map(\.epoch), train: epochs.map { $0.trainAccuracy ?? .nan },
                                         validation: validation.contains(where: { $0.isFinite }) ? validation : [],
                                         metric: name)
            let last = epochs.last!
            var text = "\(name) over \(epochs.count) epoch\(epochs.count == 1 ? "" : "s"); last train \(Self.number(last.trainAccuracy ?? .nan))"
            if let v = last.validationAccuracy { text += ", validation \(Self.number(v))" }
            return PlotFigure(figure: figure, description: text)
        case .lr:
            // The rates the steps taken used, then the ones the optimizer's schedule gives the steps
            // still ahead of it (an interrupted or resumable run), numbered as the history numbers
            // them: the k-th update (from 0) is step k + 1.
            var steps = history.steps.map(\.step), lrs = history.steps.map(\.learningRate)
            var text = ""
            if let step = optimizer?.step {
                let schedule = step.schedule
                let ahead = (step.step..<max(step.step, schedule.totalSteps))
                steps += ahead.map { $0 + 1 }
                lrs += ahead.map { Double(schedule.learningRate(at: $0)) }
                text = "\(schedule.kind.rawValue) schedule, warmup \(schedule.warmupSteps) of \(schedule.totalSteps) steps, "
                    + "\(step.step) taken"
                    + (step.options.layerDecay != 1 ? " (the heads' rate; layer l of N at lr·\(Self.number(step.options.layerDecay))^(N−l))" : "")
                    + "; "
            }
            guard !steps.isEmpty else { throw SessionError(.state, kind.prerequisite) }
            return PlotFigure(figure: Charts.learningRate(steps: steps, lrs: lrs),
                              description: text + "learning rate over \(lrs.count) steps; peak \(Self.number(lrs.max() ?? .nan)), "
                                  + "last \(Self.number(lrs.last!))")
        case .confusion:
            if history.lastConfusion == nil, let task = history.task ?? dataset?.dataset.task, task != .singleLabel {
                throw SessionError(.state, "plot(\"confusion\") needs single-label classification; the "
                                   + (history.task == nil ? "dataset" : "model's task") + " is \(task.rawValue) "
                                   + (task == .regression ? "(evaluate() lists its largest errors)"
                                                          : "(evaluate() shows each label's precision, recall and F1)"))
            }
            guard let confusion = history.lastConfusion else { throw SessionError(.state, kind.prerequisite) }
            let rows = zip(confusion.labelNames, confusion.matrix).map { name, row in
                "  \(name): " + row.map(String.init).joined(separator: " ")
            }
            return PlotFigure(figure: Charts.confusion(labels: confusion.labelNames, counts: confusion.matrix),
                              description: "confusion matrix on \(confusion.split) (rows true, columns predicted):\n"
                                  + rows.joined(separator: "\n"))
        case .lengths:
            guard model != nil, dataset != nil else { throw SessionError(.state, kind.prerequisite) }
            let lengths = try tokenLengths()
            let maxLength = cut ?? history.maxLength ?? TrainOptions.defaults.maxLength
            let truncated = lengths.filter { $0 > maxLength }.count
            return PlotFigure(figure: Charts.lengths(lengths: lengths, maxLength: maxLength),
                              description: "token lengths of \(lengths.count) training texts; longest \(lengths.max() ?? 0); "
                                  + "\(truncated) longer than maxLength \(maxLength)"
                                  + (WindowSuggestion.text(cut: truncated, of: lengths.count, maxLength: maxLength)
                                      .map { "; " + $0 } ?? ""))
        case .labels:
            guard let data = dataset?.dataset else { throw SessionError(.state, kind.prerequisite) }
            guard data.task != .regression else {
                throw SessionError(.state, "plot(\"labels\") needs classification labels; the dataset is a regression task "
                                   + "with no classes to count")
            }
            let names = data.labelMap.names
            let splits = TextDataset.Split.allCases.filter { !data[$0].isEmpty }.map { split in
                (name: split.rawValue, counts: Dictionary(uniqueKeysWithValues: zip(names, data.labelCounts(in: split))))
            }
            let lines = splits.map { split in
                "  \(split.name): " + names.map { "\($0) \(split.counts[$0] ?? 0)" }.joined(separator: ", ")
            }
            return PlotFigure(figure: Charts.labels(splits: splits, order: names),
                              description: "label balance per split:\n" + lines.joined(separator: "\n"))
        case .pretraining:
            guard let pretraining = pretrainingHistory, !pretraining.records.isEmpty else {
                throw SessionError(.state, kind.prerequisite)
            }
            let records = pretraining.records
            let figure = Charts.losses(steps: records.map(\.step), series: [
                (name: "masked LM", values: records.map { Double($0.maskedLMLoss) }),
                (name: "next sentence", values: records.map { Double($0.nextSentenceLoss) }),
            ])
            let first = records.first!, last = records.last!
            return PlotFigure(figure: figure, description: "pre-training on \(pretraining.corpus), \(records.count) steps: "
                + "MLM loss \(Self.number(Double(first.maskedLMLoss))) -> \(Self.number(Double(last.maskedLMLoss))), "
                + "NSP loss \(Self.number(Double(first.nextSentenceLoss))) -> \(Self.number(Double(last.nextSentenceLoss)))")
        }
    }

    /// The attention probabilities of one layer for `text` (and `pair`): one head as a
    /// token-by-token heatmap (rows: the attending token, columns: the token attended to),
    /// or every head of the layer as a grid when `head` is nil.
    public func plotAttention(_ text: String, pair: String? = nil, layer: Int = 0, head: Int? = nil) throws -> PlotFigure {
        let model = try requireModel()
        let config = model.config
        guard (0..<config.numHiddenLayers).contains(layer) else {
            throw SessionError(.argument, "layer \(layer) does not exist; the model has layers 0...\(config.numHiddenLayers - 1)",
                               argument: "layer")
        }
        if let head, !(0..<config.numAttentionHeads).contains(head) {
            throw SessionError(.argument, "head \(head) does not exist; each layer has heads 0...\(config.numAttentionHeads - 1) "
                               + "(or leave head: nil for all of them)", argument: "head")
        }
        let inference = try model.infer(text, pair: pair, attentions: true)
        guard let probabilities = inference.attentions?[layer] else {
            throw SessionError(.state, "the model returned no attention probabilities")
        }
        let T = inference.tokens.count, H = config.numAttentionHeads
        // (H, T, T) for the single sequence of the batch.
        let heads: [[[Double]]] = (0..<H).map { h in
            (0..<T).map { i in (0..<T).map { j in Double(probabilities[(h * T + i) * T + j]) } }
        }
        let tokens = inference.tokens
        if let head {
            let figure = Charts.attention(tokens: tokens, weights: heads[head], title: "attention, layer \(layer), head \(head)")
            return PlotFigure(figure: figure, description: "layer \(layer), head \(head) over \(T) tokens: "
                              + Self.strongest(heads[head], tokens: tokens))
        }
        let figure = Charts.attentionGrid(tokens: tokens, heads: heads, title: "attention, layer \(layer), all \(H) heads")
        let lines = heads.enumerated().map { "  head \($0.offset): " + Self.strongest($0.element, tokens: tokens) }
        return PlotFigure(figure: figure, description: "layer \(layer), \(H) heads over \(T) tokens:\n" + lines.joined(separator: "\n"))
    }

    /// "each token attends most to: [CLS]->[SEP], the->child, ..." for the text description.
    static func strongest(_ weights: [[Double]], tokens: [String]) -> String {
        let pairs = weights.enumerated().map { i, row -> String in
            let j = row.indices.max { row[$0] < row[$1] } ?? i
            return "\(tokens[i])->\(tokens[j])"
        }
        return "strongest " + pairs.joined(separator: ", ")
    }

    static func number(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : "nan" }
}
