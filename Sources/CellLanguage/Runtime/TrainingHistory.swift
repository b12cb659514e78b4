import Display
import TextDatasets

/// What training and evaluation measured, for `plot("loss" | "accuracy" | "lr" | "confusion" |
/// "lengths" | "labels")`: `session.history` (empty until the first `train` or `evaluate`).
/// Steps are numbered by the optimizer step, so a second `train()` continues the curves.
public struct TrainingHistory: SessionComponent {
    public struct StepRecord: Equatable {
        /// The optimizer step (1-based, over all `train` calls).
        public var step: Int
        /// Fractional epoch within its `train` call (0.5 = half way through the first epoch).
        public var epoch: Double
        public var loss: Double
        public var learningRate: Double
    }

    /// A named validation metric of one epoch ("micro F1", "MAE", "Pearson").
    public struct Metric: Equatable {
        public var name: String
        public var value: Double

        /// The name as a JSON key: "micro F1" -> "micro_f1".
        public var key: String { name.lowercased().replacingOccurrences(of: " ", with: "_") }
    }

    public struct EpochRecord: Equatable {
        /// The epoch over all `train` calls (1-based).
        public var epoch: Int
        /// The optimizer step at its end.
        public var step: Int
        /// Mean training loss and accuracy (training mode, dropout on) over the epoch; the
        /// accuracy is the subset accuracy for multi-label data and nil for regression.
        public var trainLoss: Double
        public var trainAccuracy: Double?
        /// On the validation split (evaluation mode); nil without a validation split.
        public var validationLoss: Double?
        public var validationAccuracy: Double?
        /// The task's further validation metrics (`Session.epochMetrics`); empty for single-label.
        public var validationMetrics: [Metric] = []
    }

    /// The confusion matrix of the last `evaluate`.
    public struct Confusion: Equatable {
        public var split: String
        public var labelNames: [String]
        /// matrix[true][predicted]: (L, L)
        public var matrix: [[Int]]
    }

    /// The task of the last `train` or `evaluate` (what `accuracy` and `confusion` mean).
    public var task: TaskKind?
    public var steps: [StepRecord] = []
    public var epochs: [EpochRecord] = []
    public var lastConfusion: Confusion?
    /// Untruncated token counts of the training texts (with `[CLS]`/`[SEP]`), from the last `train`.
    public var tokenLengths: [Int] = []
    /// The `maxLength` of the last `train`.
    public var maxLength: Int?

    public init() {}

    public var isEmpty: Bool { steps.isEmpty && epochs.isEmpty && lastConfusion == nil }

    public var info: InfoSection {
        var rows: [(String, String)] = [("steps recorded", "\(steps.count)"), ("epochs", "\(epochs.count)")]
        if let last = epochs.last {
            rows.append(("last train loss", Value.format(last.trainLoss)))
            if let v = last.validationLoss { rows.append(("last validation loss", Value.format(v))) }
            if let v = last.validationAccuracy {
                rows.append((task == .multiLabel ? "last validation subset accuracy" : "last validation accuracy", Value.format(v)))
            }
            for metric in last.validationMetrics { rows.append(("last validation \(metric.name)", Value.format(metric.value))) }
        }
        if let task { rows.insert(("task", task.rawValue), at: 0) }
        var json: [String: JSON] = [
            "task": task.map { .string($0.rawValue) } ?? .null,
            "steps": .int(steps.count), "epochs": .int(epochs.count),
            "last_train_loss": epochs.last.map { .double($0.trainLoss) } ?? .null,
            "last_validation_loss": epochs.last?.validationLoss.map { .double($0) } ?? .null,
            "last_validation_accuracy": epochs.last?.validationAccuracy.map { .double($0) } ?? .null,
        ]
        for metric in epochs.last?.validationMetrics ?? [] { json["last_validation_" + metric.key] = .double(metric.value) }
        return InfoSection(title: "History", rows: rows, json: .object(json))
    }
}

extension Session {
    /// The metric history (empty before any training).
    public var history: TrainingHistory { component(TrainingHistory.self) ?? TrainingHistory() }
}
