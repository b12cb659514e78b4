import Bert
import Display

/// Fine-tuning, evaluating and saving: bindings over `Session.train`, `Session.evaluate` and
/// `Session.save(to:)`.
enum TrainingCommands {
    /// The help of evaluate's and predict's `maxLength`, whose default follows training.
    static let maxLengthDefault = "tokens kept per example; default: the maxLength of the last train, else 128"

    static func all() -> [Command] {
        [
            Command(
                name: "train", group: .training,
                summary: "Fine-tunes the model on the dataset, with a live progress bar.",
                doc: "The dataset's label column decides the task and the loss, as transformers' "
                    + "`BertForSequenceClassification` picks it from `problem_type` (set to match): integer or string "
                    + "labels are single-label classification (cross-entropy), JSON lists multi-label classification "
                    + "(binary cross-entropy per label), other numbers regression (mean squared error on one output). "
                    + "AdamW (no decay on biases and LayerNorm weights) with a warmup (`warmup`, a fraction of the steps) and "
                    + "a schedule over all steps: `schedule: \"linear\"` (decay to 0), `\"cosine\"`, `\"constant\"`, "
                    + "`\"inverse-sqrt\"` (transformers' `get_*_schedule_with_warmup`, step for step) or `\"one-cycle\"` (torch's "
                    + "`OneCycleLR` with fastai's divisors 25 and 1e5; `warmup` is its rise, 0.25 when left at 0); "
                    + "`plot(\"lr\")` draws it. `layerDecay: 0.9` trains layer l of N at lr·0.9^(N−l), the embeddings at "
                    + "lr·0.9^(N+1), pooler and classifier at lr. `freeze: 4` keeps the embeddings and layers 0-3 fixed "
                    + "(their backward is skipped and the optimizer keeps no state for them; the frozen layers still use "
                    + "dropout, as transformers' train mode does); `freeze: \"encoder\"` (or the model's layer count) trains "
                    + "the pooler and classifier alone on encoder outputs computed once per example without dropout, "
                    + "which makes every epoch after that nearly free. "
                    + "Global-norm clipping over the trained parameters (`clip`, nil for none), "
                    + "gradient accumulation over `accumulate` batches, "
                    + "seeded shuffling and dynamic padding (each batch padded to its longest example; "
                    + "`groupByLength: true` batches examples of similar length together, as transformers' "
                    + "`group_by_length`, which saves most of the padding on texts of mixed lengths). The validation loss and the task's metrics are shown after "
                    + "each epoch (accuracy; subset accuracy and micro/macro F1; MAE and Pearson's r). "
                    + "`patience` stops after that many epochs without a lower validation loss and restores the best "
                    + "weights. Single-label only: `classWeights: true` weights the loss by n / (labels · count), and "
                    + "`labelSmoothing` is the ε of `torch.nn.CrossEntropyLoss(label_smoothing:)`. Calling `train` again "
                    + "continues with the same optimizer state (step count, moments; the schedule is extended over the "
                    + "new steps; `warmup` applies to the first call). Interrupting stops at the next batch with the "
                    + "steps done kept; a non-finite loss stops with a NumericError keeping the last good weights. "
                    + "`checkpoints: \"runs/NAME\"` writes a folder `checkpoint-N` (N the optimizer step) at each evaluation "
                    + "(`every: \"epoch\"`, or also every N steps) and on an interrupt: the model as `save` writes it, "
                    + "the optimizer, the schedule, the position in the batch order and a transformers `trainer_state.json`; "
                    + "`keep` keeps the newest N and always the best. `resume:` continues a run from its latest checkpoint "
                    + "(or the checkpoint folder given), in a new kernel too, to the same weights, bit for bit, as an "
                    + "unbroken run; the model, dataset and options must be the run's (`epochs` may grow). "
                    + "`best: \"accuracy\"` (or \"loss\", \"macro_f1\", any metric of the task's evaluation) ends on "
                    + "the weights of the best evaluation; with `patience` it also decides when to stop. "
                    + "Long texts: with `window`, a text longer than `window` tokens becomes overlapping windows of that "
                    + "many tokens sharing `stride` tokens, exactly as transformers' tokenizer makes them with "
                    + "`return_overflowing_tokens=True, stride=` (a pair keeps its first text in every window, "
                    + "`truncation=\"only_second\"`); every window is a training example with its text's label, and the "
                    + "validation metrics are per text, from its windows' logits combined by `aggregate`.",
                parameters: TrainOptions.declarations.map(Parameter.init) + RunOptions.parameters,
                returns: "Training",
                example: "train(epochs: 3, lr: 5e-5, batch: 32)"
            ) { args, context in
                var options = TrainOptions()
                for option in TrainOptions.declarations { option.write(try args.value(of: option), &options) }
                let report = try context.session.train(options, run: try RunOptions(args), output: context.output)
                return .rich(RichValue(typeName: "Training", bundle: report.bundle))
            },
            Command(
                name: "runs", group: .training,
                summary: "The run log: every train call with its options, outcome, best metric and time.",
                doc: "Every `train` call is a run, named by `train(name:)` or numbered (\"run 1\", ...): its options, its "
                    + "per-step loss and learning rate, its evaluations, the time it took and its checkpoints. The table "
                    + "shows one row per run with its best metric (the one of `best:`, else the lowest validation loss). "
                    + "`plot(\"loss\", runs: [...])` overlays runs; `reset()` clears the log; loading a model keeps it.",
                parameters: [],
                returns: "Runs",
                example: "runs()"
            ) { _, context in
                let report = context.session.runs()
                return .rich(RichValue(typeName: "Runs", bundle: report.bundle))
            },
            Command(
                name: "runs", group: .training,
                summary: "Writes the run log's table to a CSV, TSV or JSON Lines file.",
                doc: "The table of `runs()`, one row per run, to `to` (the format by its extension), written to a temporary "
                    + "file beside it and renamed at the end.",
                parameters: [Parameter("to", .string, paths: true, doc: "the .csv, .tsv or .jsonl file to write")],
                example: "runs(to: \"runs.csv\")"
            ) { args, context in
                let url = try context.session.runs(to: try args.string("to"))
                context.print("Wrote \(context.session.runLog.runs.count) runs to \(url.path)\n")
                return nil
            },
            Command(
                name: "evaluate", group: .training,
                summary: "The metrics of the dataset's task on a split: accuracy, F1, confusion matrix; or MSE, correlations.",
                doc: "Runs the model in evaluation mode on the split and shows the metrics of the dataset's task. "
                    + "Single-label: accuracy, per-class precision/recall/F1, macro F1, the confusion matrix (rows: true "
                    + "label, columns: predicted) and the most confidently wrong examples. Multi-label (a label is "
                    + "predicted when its sigmoid is at least 0.5): subset accuracy, micro and macro F1, Hamming loss, "
                    + "per-class precision/recall/F1 and the most confidently wrong label decisions. Regression: mean "
                    + "squared and absolute error, Pearson's and Spearman's correlation, and the largest errors. "
                    + "With `window`, each text is scored by overlapping windows (as `train`'s) whose logits are combined "
                    + "by `aggregate` (\"mean\", \"max\" or \"first\"), and the metrics are per text.",
                parameters: [
                    Parameter("split", .string, default: .string("validation"), allowed: ["validation", "test", "train"],
                              doc: "which part of the dataset"),
                    Parameter("maxLength", .int, optional: true, range: 2...1_000_000, doc: Self.maxLengthDefault),
                ] + TrainOptions.windowDeclarations.map(Parameter.init),
                returns: "Evaluation",
                example: "evaluate(split: \"test\")"
            ) { args, context in
                let report = try context.session.evaluate(split: try args.string("split"), maxLength: try args.optionalInt("maxLength"),
                                                          windows: try args.windows(), output: context.output)
                return .rich(RichValue(typeName: "Evaluation", bundle: report.bundle))
            },
            Command(
                name: "save", group: .training,
                summary: "Saves the model as a Hugging Face directory.",
                doc: "Writes `config.json` (with `id2label`, `label2id` and `problem_type`), `model.safetensors`, `vocab.txt` and "
                    + "`tokenizer_config.json`, loadable by transformers' `BertForSequenceClassification.from_pretrained` "
                    + "and by `load(model:)`, which gets the label names back. Atomic: the new model is written beside the "
                    + "old one and swapped in with one rename, so a failure or a crash never leaves a half-written model "
                    + "where a good one was. Never deletes what it did not write: the folder must be new, empty, or an "
                    + "earlier save holding nothing else (each save lists its files in `.bert-kernel-save`); never the "
                    + "notebook's folder or one that holds it. Missing folders on the way are created, as `write` does.",
                parameters: [Parameter("to", .string, paths: true, doc: "the directory to write")],
                example: "save(to: \"my-model\")"
            ) { args, context in
                let url = try context.session.save(to: try args.string("to"))
                context.print("Saved the model to \(url.path)\n")
                return nil
            },
        ]
    }
}
