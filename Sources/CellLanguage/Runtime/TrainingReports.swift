import Bert
import Display
import Foundation
import TextDatasets

/// What `train` returns: the epochs of this run, early stopping, the optimizer step.
public struct TrainingReport {
    public let options: TrainOptions
    public let outcome: Trainer.Outcome
    /// This run's epochs as recorded in the history (numbered over all runs).
    public let epochs: [TrainingHistory.EpochRecord]
    public let optimizerStep: Int
    public let examples: Int
    public let validationExamples: Int

    /// The metric early stopping watches.
    public static let monitoredMetric = "validation loss"

    static func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }

    static func epochLine(_ record: TrainingHistory.EpochRecord, of epochs: Int, first: Int) -> String {
        var line = "epoch \(record.epoch - first + 1)/\(epochs): train loss \(number(record.trainLoss)), "
            + "accuracy \(number(record.trainAccuracy))"
        if record.validationLoss != nil {
            line += "; validation loss \(number(record.validationLoss)), accuracy \(number(record.validationAccuracy))"
        }
        return line
    }

    public var json: JSON {
        let o = options
        return [
            "epochs": .array(epochs.map { e in
                ["epoch": .int(e.epoch), "step": .int(e.step), "train_loss": .double(e.trainLoss),
                 "train_accuracy": .double(e.trainAccuracy),
                 "validation_loss": e.validationLoss.map { .double($0) } ?? .null,
                 "validation_accuracy": e.validationAccuracy.map { .double($0) } ?? .null]
            }),
            "steps": .int(outcome.steps), "optimizer_step": .int(optimizerStep),
            "train_examples": .int(examples), "validation_examples": .int(validationExamples),
            "stopped_early": .bool(outcome.stoppedEarly),
            "best_epoch": outcome.bestEpoch.map { best in .int((epochs.first?.epoch ?? 1) + best) } ?? .null,
            "monitor": o.patience == nil ? .null : .string(Self.monitoredMetric),
            "hyperparameters": [
                "epochs": .int(o.epochs), "lr": .double(o.lr), "batch": .int(o.batch), "maxLength": .int(o.maxLength),
                "warmup": .double(o.warmup), "weightDecay": .double(o.weightDecay), "seed": .int(o.seed),
                "clip": o.clip.map { .double($0) } ?? .null, "accumulate": .int(o.accumulate),
                "patience": o.patience.map { .int($0) } ?? .null, "classWeights": .bool(o.classWeights),
            ],
        ]
    }

    public var bundle: MimeBundle {
        let rows = epochs.map { e in
            [String(e.epoch), String(e.step), Self.number(e.trainLoss), Self.number(e.trainAccuracy),
             Self.number(e.validationLoss), Self.number(e.validationAccuracy)]
        }
        var caption = "trained \(outcome.steps) steps on \(examples) examples (optimizer step \(optimizerStep))"
        if let best = outcome.bestEpoch, let first = epochs.first {
            caption += outcome.stoppedEarly ? "; stopped early" : ""
            caption += "; restored the weights of epoch \(first.epoch + best) (best \(Self.monitoredMetric))"
        }
        return HTMLTable(columns: ["epoch", "step", "train loss", "train acc", "val loss", "val acc"], rows: rows,
                         caption: caption).bundle(json: json)
    }
}

/// What `evaluate` returns.
public struct EvaluationReport {
    public let split: String
    public let metrics: ClassificationMetrics
    /// Mean cross-entropy on the split.
    public let loss: Double
    /// The most confidently wrong examples, most confident first.
    public let mistakes: [(ConfidentMistakes.Mistake, Example)]

    public var accuracy: Double { metrics.accuracy }

    public var json: JSON {
        let m = metrics
        return [
            "split": .string(split), "examples": .int(m.exampleCount), "accuracy": .double(m.accuracy), "loss": .double(loss),
            "macro_f1": .double(m.macroF1), "macro_precision": .double(m.macroPrecision), "macro_recall": .double(m.macroRecall),
            "weighted_f1": .double(m.weightedF1), "labels": JSON(m.labelNames),
            "precision": JSON(m.precision), "recall": JSON(m.recall), "f1": JSON(m.f1), "support": JSON(m.support),
            "confusion": .array(m.confusion.map { JSON($0) }),
            "mistakes": .array(mistakes.map { mistake, example in
                ["text": .string(example.text), "pair": example.pair.map { .string($0) } ?? .null,
                 "line": .int(example.line), "label": .string(m.labelNames[mistake.trueLabel]),
                 "predicted": .string(m.labelNames[mistake.predictedLabel]), "confidence": .double(mistake.confidence)]
            }),
        ]
    }

    public var bundle: MimeBundle {
        let m = metrics
        let f = { (x: Double) in String(format: "%.4f", x) }
        let header = "\(split): \(m.exampleCount) examples, accuracy \(f(m.accuracy)), macro F1 \(f(m.macroF1)), loss \(f(loss))"
        let perClass = HTMLTable(columns: ["label", "precision", "recall", "f1", "support"],
                                 rows: m.labelNames.indices.map { [m.labelNames[$0], f(m.precision[$0]), f(m.recall[$0]), f(m.f1[$0]), String(m.support[$0])] }
                                    + [["macro avg", f(m.macroPrecision), f(m.macroRecall), f(m.macroF1), String(m.exampleCount)]])
        let confusion = HTMLTable(columns: ["true \\ predicted"] + m.labelNames,
                                  rows: m.labelNames.indices.map { [m.labelNames[$0]] + m.confusion[$0].map(String.init) },
                                  caption: "confusion matrix")
        let wrong = HTMLTable(columns: ["text", "label", "predicted", "confidence"],
                              rows: mistakes.map { mistake, example in
                                  [PredictionReport.shorten(example.text + (example.pair.map { " / " + $0 } ?? "")),
                                   m.labelNames[mistake.trueLabel], m.labelNames[mistake.predictedLabel], f(mistake.confidence)]
                              }, caption: "most confidently wrong")
        var plain = [header, "", perClass.plainText, "", confusion.plainText]
        var html = "<p><b>\(HTML.escape(header))</b></p>" + perClass.html + confusion.html
        if !mistakes.isEmpty {
            plain += ["", wrong.plainText]
            html += wrong.html
        }
        return MimeBundle(plain: plain.joined(separator: "\n"), html: html, json: json)
    }
}
