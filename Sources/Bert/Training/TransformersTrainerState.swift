import ExactJSON
import Foundation

/// `trainer_state.json` in the layout of transformers' `TrainerState.save_to_json`
/// (`json.dumps(dataclasses.asdict(state), indent=2, sort_keys=True) + "\n"`), so that
/// `TrainerState.load_from_json` reads it and tools that read Trainer runs understand it.
/// Every field of the dataclass is written, keys sorted:
///
/// - `global_step`, `max_steps`, `epoch` (fractional, of this run), `num_train_epochs`,
///   `train_batch_size`, `logging_steps` (1: every step is logged), `eval_steps` and `save_steps`
///   (the `every:` step count; 0 for every epoch);
/// - `log_history`: one entry per optimizer step (`epoch`, `learning_rate`, `loss`, `step`) and per
///   evaluation (`epoch`, `eval_<metric>`, `step`), as the Trainer logs them;
/// - `best_metric`, `best_global_step`, `best_model_checkpoint` (the checkpoint's path as the run's
///   folder was given, like transformers' `output_dir/checkpoint-N`);
/// - the rest at the values of a single-process run without a search.
public enum TransformersTrainerState {
    /// - folder: the run's folder as the user wrote it (`best_model_checkpoint` starts with it)
    public static func json(options: TrainOptions, every: CheckpointInterval, trainExamples: Int, globalStep: Int,
                            progress: TrainerProgress, folder: String?) -> OrderedJSON {
        let perEpoch = max(1, options.stepsPerEpoch(count: trainExamples))
        let epoch = Double(progress.epoch) + Double(progress.stepInEpoch) / Double(perEpoch)
        var saveSteps = 0
        if case .steps(let n) = every { saveSteps = n }
        let log: [OrderedJSON] = progress.log.map { entry in
            switch entry {
            case let .step(step, epoch, loss, lr):
                return .object([("epoch", .double(epoch)), ("learning_rate", .double(lr)), ("loss", .double(loss)),
                                ("step", .int(step))])
            case let .evaluation(step, epoch, metrics):
                var members: [(key: String, value: OrderedJSON)] = [("epoch", .double(epoch))]
                members += metrics.map { ("eval_" + $0.name, .double($0.value)) }.sorted { $0.0 < $1.0 }
                members.append(("step", .int(step)))
                return .object(members)
            }
        }
        let best = progress.best
        let bestCheckpoint: OrderedJSON = best?.checkpoint.map { name in
            .string(folder.map { $0.hasSuffix("/") ? $0 + name : $0 + "/" + name } ?? name)
        } ?? .null
        return .object([
            ("best_global_step", best.map { .int($0.globalStep) } ?? .null),
            ("best_metric", best.map { .double($0.value) } ?? .null),
            ("best_model_checkpoint", bestCheckpoint),
            ("epoch", .double(epoch)),
            ("eval_steps", .int(saveSteps)),
            ("global_step", .int(globalStep)),
            ("is_hyper_param_search", .bool(false)),
            ("is_local_process_zero", .bool(true)),
            ("is_world_process_zero", .bool(true)),
            ("log_history", .array(log)),
            ("logging_steps", .int(1)),
            ("max_steps", .int(progress.runStartStep + perEpoch * progress.epochs)),
            ("num_input_tokens_seen", .int(0)),
            ("num_train_epochs", .int(progress.epochs)),
            ("save_steps", .int(saveSteps)),
            ("stateful_callbacks", .object([])),
            ("total_flos", .int(0)),
            ("train_batch_size", .int(options.batch)),
            ("trial_name", .null),
            ("trial_params", .null),
        ])
    }

    /// The file's bytes: `json(...)` as `save_to_json` writes it, with its final newline.
    public static func fileData(options: TrainOptions, every: CheckpointInterval, trainExamples: Int, globalStep: Int,
                                progress: TrainerProgress, folder: String?) -> Data {
        Data((json(options: options, every: every, trainExamples: trainExamples, globalStep: globalStep, progress: progress,
                   folder: folder).text() + "\n").utf8)
    }

    /// The state of a checkpoint being written.
    static func json(record: TrainingCheckpoint.RunRecord, step: TrainingStep, progress: TrainerProgress,
                     folder: String?) -> OrderedJSON {
        json(options: record.options, every: record.every, trainExamples: record.trainExamples, globalStep: step.step,
             progress: progress, folder: folder)
    }
}
