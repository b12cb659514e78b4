import Bert
import Display
import Foundation
import TextDatasets

/// What `train` returns: the epochs of this run, early stopping, the optimizer step.
public struct TrainingReport {
    public let options: TrainOptions
    /// The dataset's task, which chose the loss.
    public let task: TaskKind
    public let outcome: Trainer.Outcome
    /// This run's epochs as recorded in the history (numbered over all runs).
    public let epochs: [TrainingHistory.EpochRecord]
    public let optimizerStep: Int
    public let examples: Int
    public let validationExamples: Int

    static func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }

    /// What the accuracy of `task` is called ("accuracy", "subset accuracy"); nil for regression.
    static func accuracyName(_ task: TaskKind) -> String? {
        switch task {
        case .singleLabel: "accuracy"
        case .multiLabel: "subset accuracy"
        case .regression: nil
        }
    }

    /// "epoch 2/3: train loss 0.4123, accuracy 0.8125; validation loss 0.3990, accuracy 0.8333",
    /// with the task's accuracy (none for regression) and further validation metrics.
    static func epochLine(_ record: TrainingHistory.EpochRecord, of epochs: Int, first: Int, task: TaskKind) -> String {
        var line = "epoch \(record.epoch - first + 1)/\(epochs): train loss \(number(record.trainLoss))"
        let accuracy = accuracyName(task)
        if let accuracy { line += ", \(accuracy) \(number(record.trainAccuracy))" }
        if record.validationLoss != nil {
            line += "; validation loss \(number(record.validationLoss))"
            if let accuracy { line += ", \(accuracy) \(number(record.validationAccuracy))" }
            for metric in record.validationMetrics { line += ", \(metric.name) \(number(metric.value))" }
        }
        return line
    }

    /// Every optimizer step of the run: its step, loss and learning rate (pretrain's JSON has the same).
    static func stepSeries(_ progress: TrainerProgress) -> JSON {
        .array(progress.log.compactMap { entry in
            guard case let .step(step, _, loss, lr) = entry else { return nil }
            return .object(["step": .int(step), "loss": .double(loss), "learning_rate": .double(lr)])
        })
    }

    public var json: JSON {
        let o = options
        return [
            "task": .string(task.rawValue),
            "epochs": .array(epochs.map { e in
                var object: [String: JSON] = [
                    "epoch": .int(e.epoch), "step": .int(e.step), "train_loss": .double(e.trainLoss),
                    "train_accuracy": e.trainAccuracy.map { .double($0) } ?? .null,
                    "validation_loss": e.validationLoss.map { .double($0) } ?? .null,
                    "validation_accuracy": e.validationAccuracy.map { .double($0) } ?? .null,
                ]
                for metric in e.validationMetrics { object["validation_" + metric.key] = .double(metric.value) }
                return .object(object)
            }),
            "step_series": Self.stepSeries(outcome.progress),
            "evaluations": .array(outcome.progress.log.compactMap { entry in
                guard case let .evaluation(step, epoch, metrics) = entry else { return nil }
                return .object(["step": .int(step), "epoch": .double(epoch),
                                "metrics": .object(Dictionary(uniqueKeysWithValues: metrics.map { ($0.name, JSON.double($0.value)) }))])
            }),
            "steps": .int(outcome.steps), "optimizer_step": .int(optimizerStep),
            "train_examples": .int(examples), "validation_examples": .int(validationExamples),
            "stopped_early": .bool(outcome.stoppedEarly),
            "best_epoch": outcome.bestEpoch.map { best in .int((epochs.first?.epoch ?? 1) + best) } ?? .null,
            "monitor": outcome.bestEpoch == nil ? .null : outcome.progress.best.map { .string($0.metric) } ?? .null,
            "best": outcome.bestEpoch == nil ? .null : outcome.progress.best.map { best in
                [
                    "metric": .string(best.metric), "value": .double(best.value), "step": .int(best.globalStep),
                    "epoch": .double(best.epoch), "checkpoint": best.checkpoint.map { .string($0) } ?? .null,
                    "metrics": .object(Dictionary(uniqueKeysWithValues: best.metrics.map { ($0.name, JSON.double($0.value)) })),
                ]
            } ?? .null,
            "hyperparameters": [
                "epochs": .int(o.epochs), "lr": .double(o.lr), "batch": .int(o.batch), "maxLength": .int(o.maxLength),
                "warmup": .double(o.warmup), "weightDecay": .double(o.weightDecay), "seed": .int(o.seed),
                "clip": o.clip.map { .double($0) } ?? .null, "accumulate": .int(o.accumulate),
                "patience": o.patience.map { .int($0) } ?? .null, "classWeights": .bool(o.classWeights),
                "labelSmoothing": .double(o.labelSmoothing), "schedule": .string(o.schedule.rawValue),
                "layerDecay": .double(o.layerDecay),
                "freeze": { switch o.freeze { case .layers(let k): .int(k); case .encoder: .string(TrainOptions.Freeze.encoderName) } }(),
            ],
        ]
    }

    public var bundle: MimeBundle {
        // Columns: epoch, step, train loss, [train acc], val loss, [val acc], further metrics.
        let accuracy = Self.accuracyName(task).map { $0.replacingOccurrences(of: "accuracy", with: "acc") }
        let metricNames = epochs.last?.validationMetrics.map(\.name) ?? []
        let columns = ["epoch", "step", "train loss"] + (accuracy.map { ["train \($0)"] } ?? []) + ["val loss"]
            + (accuracy.map { ["val \($0)"] } ?? []) + metricNames.map { "val \($0)" }
        let rows = epochs.map { e in
            [String(e.epoch), String(e.step), Self.number(e.trainLoss)]
                + (accuracy == nil ? [] : [Self.number(e.trainAccuracy)]) + [Self.number(e.validationLoss)]
                + (accuracy == nil ? [] : [Self.number(e.validationAccuracy)])
                + metricNames.map { name in Self.number(e.validationMetrics.first { $0.name == name }?.value) }
        }
        var caption = "trained \(outcome.steps) steps on \(examples) examples (optimizer step \(optimizerStep))"
        if outcome.bestEpoch != nil, let best = outcome.progress.best {
            caption += outcome.stoppedEarly ? "; stopped early" : ""
            let metrics = best.metrics.map { "\($0.name) \(Self.number($0.value))" }.joined(separator: ", ")
            caption += "; ended on the weights of the best evaluation (\(best.metric)), at step \(best.globalStep), "
                + "epoch \(String(format: "%.2f", best.epoch)) of this run: \(metrics)"
                + (best.checkpoint.map { " (\($0))" } ?? "")
        }
        return HTMLTable(columns: columns, rows: rows, caption: caption).bundle(json: json)
    }
}
