import Display
import Foundation
import TextDatasets

/// What `evaluate` returns: the loss and the metrics of the dataset's task on one split, with the
/// examples most worth reading (confidently wrong, or furthest off).
public struct EvaluationReport {
    public enum Details {
        /// Accuracy, per-class metrics, confusion matrix; the most confidently wrong examples.
        case singleLabel(ClassificationMetrics, mistakes: [(ConfidentMistakes.Mistake, Example)])
        /// Subset accuracy, micro/macro and per-class metrics at probability 0.5; the examples
        /// with the most confidently wrong label decision.
        case multiLabel(MultiLabelMetrics, mistakes: [(MultiLabelMistakes.Mistake, Example)])
        /// MSE, MAE, Pearson, Spearman; the examples with the largest absolute errors.
        case regression(RegressionMetrics, largestErrors: [(LargestErrors.Error, Example)])
    }

    public let split: String
    /// Mean loss of the task on the split: cross-entropy, binary cross-entropy, or MSE.
    public let loss: Double
    public let details: Details

    public var task: TaskKind {
        switch details {
        case .singleLabel: .singleLabel
        case .multiLabel: .multiLabel
        case .regression: .regression
        }
    }

    /// Accuracy (single-label) or subset accuracy (multi-label); nil for regression.
    public var accuracy: Double? {
        switch details {
        case .singleLabel(let m, _): m.accuracy
        case .multiLabel(let m, _): m.subsetAccuracy
        case .regression: nil
        }
    }

    /// The multi-label decision threshold on each label's sigmoid.
    public static let threshold = 0.5

    public var json: JSON {
        var object: [String: JSON] = ["split": .string(split), "task": .string(task.rawValue), "loss": .double(loss)]
        func example(_ example: Example) -> [String: JSON] {
            ["text": .string(example.text), "pair": example.pair.map { .string($0) } ?? .null, "line": .int(example.line)]
        }
        switch details {
        case .singleLabel(let m, let mistakes):
            object.merge([
                "examples": .int(m.exampleCount), "accuracy": .double(m.accuracy),
                "macro_f1": .double(m.macroF1), "macro_precision": .double(m.macroPrecision), "macro_recall": .double(m.macroRecall),
                "weighted_f1": .double(m.weightedF1), "labels": JSON(m.labelNames),
                "precision": JSON(m.precision), "recall": JSON(m.recall), "f1": JSON(m.f1), "support": JSON(m.support),
                "confusion": .array(m.confusion.map { JSON($0) }),
                "mistakes": .array(mistakes.map { mistake, item in
                    .object(example(item).merging([
                        "label": .string(m.labelNames[mistake.trueLabel]),
                        "predicted": .string(m.labelNames[mistake.predictedLabel]), "confidence": .double(mistake.confidence),
                    ]) { $1 })
                }),
            ]) { $1 }
        case .multiLabel(let m, let mistakes):
            object.merge([
                "examples": .int(m.exampleCount), "threshold": .double(Self.threshold),
                "subset_accuracy": .double(m.subsetAccuracy), "hamming_loss": .double(m.hammingLoss),
                "micro_precision": .double(m.microPrecision), "micro_recall": .double(m.microRecall), "micro_f1": .double(m.microF1),
                "macro_precision": .double(m.macroPrecision), "macro_recall": .double(m.macroRecall), "macro_f1": .double(m.macroF1),
                "labels": JSON(m.labelNames),
                "precision": JSON(m.precision), "recall": JSON(m.recall), "f1": JSON(m.f1), "support": JSON(m.support),
                "mistakes": .array(mistakes.map { mistake, item in
                    .object(example(item).merging([
                        "labels": JSON((item.label.classIDs ?? []).map { m.labelNames[$0] }),
                        "predicted": JSON(mistake.predictedLabels.map { m.labelNames[$0] }),
                        "worst_label": .string(m.labelNames[mistake.worstLabel]), "confidence": .double(mistake.confidence),
                    ]) { $1 })
                }),
            ]) { $1 }
        case .regression(let m, let errors):
            object.merge([
                "examples": .int(m.exampleCount), "mse": .double(m.meanSquaredError), "mae": .double(m.meanAbsoluteError),
                "pearson": .double(m.pearson), "spearman": .double(m.spearman),
                "largest_errors": .array(errors.map { error, item in
                    .object(example(item).merging([
                        "target": .double(error.target), "prediction": .double(error.prediction), "error": .double(error.error),
                    ]) { $1 })
                }),
            ]) { $1 }
        }
        return .object(object)
    }

    public var bundle: MimeBundle {
        let f = { (x: Double) in String(format: "%.4f", x) }
        func text(_ example: Example) -> String { PredictionReport.shorten(example.text + (example.pair.map { " / " + $0 } ?? "")) }
        let header: String
        var tables: [HTMLTable] = []
        switch details {
        case .singleLabel(let m, let mistakes):
            header = "\(split): \(m.exampleCount) examples, accuracy \(f(m.accuracy)), macro F1 \(f(m.macroF1)), loss \(f(loss))"
            tables.append(HTMLTable(
                columns: ["label", "precision", "recall", "f1", "support"],
                rows: m.labelNames.indices.map { [m.labelNames[$0], f(m.precision[$0]), f(m.recall[$0]), f(m.f1[$0]), String(m.support[$0])] }
                    + [["macro avg", f(m.macroPrecision), f(m.macroRecall), f(m.macroF1), String(m.exampleCount)]]))
            tables.append(HTMLTable(columns: ["true \\ predicted"] + m.labelNames,
                                    rows: m.labelNames.indices.map { [m.labelNames[$0]] + m.confusion[$0].map(String.init) },
                                    caption: "confusion matrix"))
            if !mistakes.isEmpty {
                tables.append(HTMLTable(columns: ["text", "label", "predicted", "confidence"], rows: mistakes.map { mistake, item in
                    [text(item), m.labelNames[mistake.trueLabel], m.labelNames[mistake.predictedLabel], f(mistake.confidence)]
                }, caption: "most confidently wrong"))
            }
        case .multiLabel(let m, let mistakes):
            header = "\(split): \(m.exampleCount) examples, subset accuracy \(f(m.subsetAccuracy)), micro F1 \(f(m.microF1)), "
                + "macro F1 \(f(m.macroF1)), loss \(f(loss)) (a label is predicted at probability ≥ \(Self.threshold))"
            let total = m.support.reduce(0, +)
            tables.append(HTMLTable(
                columns: ["label", "precision", "recall", "f1", "support"],
                rows: m.labelNames.indices.map { [m.labelNames[$0], f(m.precision[$0]), f(m.recall[$0]), f(m.f1[$0]), String(m.support[$0])] }
                    + [["micro avg", f(m.microPrecision), f(m.microRecall), f(m.microF1), String(total)],
                       ["macro avg", f(m.macroPrecision), f(m.macroRecall), f(m.macroF1), String(total)]],
                caption: "Hamming loss \(f(m.hammingLoss))"))
            if !mistakes.isEmpty {
                func names(_ ids: [Int]) -> String { ids.isEmpty ? "(none)" : ids.map { m.labelNames[$0] }.joined(separator: ", ") }
                tables.append(HTMLTable(columns: ["text", "labels", "predicted", "worst label", "confidence"],
                                        rows: mistakes.map { mistake, item in
                                            [text(item), names(item.label.classIDs ?? []), names(mistake.predictedLabels),
                                             m.labelNames[mistake.worstLabel], f(mistake.confidence)]
                                        }, caption: "most confidently wrong label decisions"))
            }
        case .regression(let m, let errors):
            header = "\(split): \(m.exampleCount) examples, MSE \(f(m.meanSquaredError)), MAE \(f(m.meanAbsoluteError)), "
                + "Pearson \(f(m.pearson)), Spearman \(f(m.spearman))"
            tables.append(HTMLTable(columns: ["metric", "value"], rows: [
                ["mean squared error", f(m.meanSquaredError)], ["mean absolute error", f(m.meanAbsoluteError)],
                ["Pearson r", f(m.pearson)], ["Spearman ρ", f(m.spearman)],
            ]))
            if !errors.isEmpty {
                tables.append(HTMLTable(columns: ["text", "target", "prediction", "error"], rows: errors.map { error, item in
                    [text(item), f(error.target), f(error.prediction), f(error.error)]
                }, caption: "largest errors"))
            }
        }
        let plain = ([header] + tables.map(\.plainText)).joined(separator: "\n\n")
        let html = "<p><b>\(HTML.escape(header))</b></p>" + tables.map(\.html).joined()
        return MimeBundle(plain: plain, html: html, json: json)
    }
}
