import ExactJSON

/// Where a fine-tuning run is and what it has measured: everything `Trainer.run` needs to
/// continue a run exactly, apart from the weights and the optimizer (moments, step count,
/// schedule), which live in the `TrainingStep`. A checkpoint stores it in `training_state.json`;
/// `Trainer.run(resume:)` starts from it.
///
/// The random numbers need no state of their own: an epoch's order is drawn from
/// `seed + epoch · 0x9E3779B9` (a fresh generator per epoch) and each micro-batch's dropout
/// from the optimizer's step count (`TrainingStep.dropoutSeed`), so the position (`epoch`,
/// `stepInEpoch`) and the step count determine every draw that is still to come.
public struct TrainerProgress: Equatable {
    /// The best evaluation so far.
    public struct Best: Equatable {
        /// The metric's name ("loss", "accuracy", "macro_f1", ...) and its value.
        public var metric: String
        public var value: Double
        /// The optimizer step (over all runs) and the run's fractional epoch of that evaluation.
        public var globalStep: Int
        public var epoch: Double
        /// The checkpoint folder written at that evaluation (`checkpoint-N`); nil without checkpoints.
        public var checkpoint: String?
        /// Every metric of that evaluation, in the order the task reports them.
        public var metrics: [Metric]

        public init(metric: String, value: Double, globalStep: Int, epoch: Double, checkpoint: String?, metrics: [Metric]) {
            self.metric = metric
            self.value = value
            self.globalStep = globalStep
            self.epoch = epoch
            self.checkpoint = checkpoint
            self.metrics = metrics
        }
    }

    /// A named number ("loss", "accuracy", "macro_f1").
    public struct Metric: Equatable {
        public var name: String
        public var value: Double
        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// One entry of the run's log, as transformers' `log_history` holds them.
    public enum LogEntry: Equatable {
        /// After an optimizer step: its training loss (mean over the micro-batches) and learning rate.
        case step(globalStep: Int, epoch: Double, loss: Double, learningRate: Double)
        /// After an evaluation on the validation split.
        case evaluation(globalStep: Int, epoch: Double, metrics: [Metric])
    }

    /// The optimizer's step count when the run began (its schedule ends `epochs` epochs later).
    public var runStartStep: Int
    /// The run's planned epochs.
    public var epochs: Int
    /// The 0-based epoch in progress, and how many of its optimizer steps are done.
    public var epoch = 0
    public var stepInEpoch = 0
    /// The evaluation after the last step done has not run yet (an interrupt came during it).
    public var evaluationPending = false
    /// Optimizer steps and examples of this run so far.
    public var runStep = 0
    public var samples = 0
    /// The epoch's running training loss (sum over its steps) and accuracy counts.
    public var epochLossSum = 0.0
    public var epochCorrect = 0
    public var epochSeen = 0
    public var best: Best?
    /// Evaluations since the best one (early stopping stops at `patience`).
    public var evaluationsWithoutImprovement = 0
    /// Early stopping ended the run.
    public var stoppedEarly = false
    public var log: [LogEntry] = []

    public init(runStartStep: Int, epochs: Int) {
        self.runStartStep = runStartStep
        self.epochs = epochs
    }

    /// Whether nothing is left to do.
    public var isFinished: Bool { stoppedEarly || (epoch >= epochs && !evaluationPending) }
}

/// The metric that picks the best evaluation, and which way is better: lower for losses and
/// errors, higher for the rest (as transformers' `metric_for_best_model` with
/// `greater_is_better`, which it also infers from a name that is not a loss).
public struct BestMetric: Equatable {
    public let name: String

    /// Metric names where a lower value is better.
    public static let lowerIsBetter: Set<String> = ["loss", "mae", "mse", "hamming_loss"]

    public init(_ name: String) { self.name = name }

    public var greaterIsBetter: Bool { !Self.lowerIsBetter.contains(name) }

    /// Whether `value` beats `best` (strictly, so the first of equal evaluations stays the best).
    public func improves(_ value: Double, on best: Double?) -> Bool {
        guard let best else { return true }
        return greaterIsBetter ? value > best : value < best
    }
}

// MARK: - JSON (training_state.json)

extension TrainerProgress {
    var json: OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = [
            ("run_start_step", .int(runStartStep)), ("epochs", .int(epochs)), ("epoch", .int(epoch)),
            ("step_in_epoch", .int(stepInEpoch)), ("evaluation_pending", .bool(evaluationPending)),
            ("run_step", .int(runStep)), ("samples", .int(samples)),
            ("epoch_loss_sum", .double(epochLossSum)), ("epoch_correct", .int(epochCorrect)),
            ("epoch_seen", .int(epochSeen)),
            ("evaluations_without_improvement", .int(evaluationsWithoutImprovement)),
            ("stopped_early", .bool(stoppedEarly)),
        ]
        members.append(("best", best.map { best in
            .object([("metric", .string(best.metric)), ("value", .double(best.value)),
                     ("global_step", .int(best.globalStep)), ("epoch", .double(best.epoch)),
                     ("checkpoint", best.checkpoint.map(OrderedJSON.string) ?? .null),
                     ("metrics", Self.json(best.metrics))])
        } ?? .null))
        members.append(("log", .array(log.map { entry in
            switch entry {
            case let .step(step, epoch, loss, lr):
                .object([("step", .int(step)), ("epoch", .double(epoch)), ("loss", .double(loss)),
                         ("learning_rate", .double(lr))])
            case let .evaluation(step, epoch, metrics):
                .object([("step", .int(step)), ("epoch", .double(epoch)), ("metrics", Self.json(metrics))])
            }
        })))
        return .object(members)
    }

    static func json(_ metrics: [Metric]) -> OrderedJSON { .object(metrics.map { ($0.name, .double($0.value)) }) }

    /// Reads what `json` wrote; a missing or mistyped field throws a `CheckpointReader.Failure`.
    init(json: OrderedJSON, reader: CheckpointReader) throws {
        runStartStep = try reader.int(json, "run_start_step")
        epochs = try reader.int(json, "epochs")
        epoch = try reader.int(json, "epoch")
        stepInEpoch = try reader.int(json, "step_in_epoch")
        evaluationPending = try reader.bool(json, "evaluation_pending")
        runStep = try reader.int(json, "run_step")
        samples = try reader.int(json, "samples")
        epochLossSum = try reader.double(json, "epoch_loss_sum")
        epochCorrect = try reader.int(json, "epoch_correct")
        epochSeen = try reader.int(json, "epoch_seen")
        evaluationsWithoutImprovement = try reader.int(json, "evaluations_without_improvement")
        stoppedEarly = try reader.bool(json, "stopped_early")
        if let best = json["best"], !best.isNull {
            self.best = Best(metric: try reader.string(best, "metric"), value: try reader.double(best, "value"),
                             globalStep: try reader.int(best, "global_step"), epoch: try reader.double(best, "epoch"),
                             checkpoint: best["checkpoint"]?.stringValue, metrics: try reader.metrics(best, "metrics"))
        }
        guard let entries = json["log"]?.elements else { throw reader.failure("log is missing") }
        log = try entries.map { entry in
            if entry["metrics"] != nil {
                return .evaluation(globalStep: try reader.int(entry, "step"), epoch: try reader.double(entry, "epoch"),
                                   metrics: try reader.metrics(entry, "metrics"))
            }
            return .step(globalStep: try reader.int(entry, "step"), epoch: try reader.double(entry, "epoch"),
                         loss: try reader.double(entry, "loss"), learningRate: try reader.double(entry, "learning_rate"))
        }
    }
}
