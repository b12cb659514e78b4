import Display

/// Fine-tuning, evaluating and saving: bindings over `Session.train`, `Session.evaluate` and
/// `Session.save(to:)`.
enum TrainingCommands {
    static func all() -> [Command] {
        [
            Command(
                name: "train", group: .training,
                summary: "Fine-tunes the model on the dataset, with a live progress bar.",
                doc: "The dataset's label column decides the task and the loss, as transformers' "
                    + "`BertForSequenceClassification` picks it from `problem_type` (set to match): integer or string "
                    + "labels are single-label classification (cross-entropy), JSON lists multi-label classification "
                    + "(binary cross-entropy per label), other numbers regression (mean squared error on one output). "
                    + "AdamW (no decay on biases and LayerNorm weights) with a linear warmup and decay over all steps, "
                    + "global-norm clipping (`clip`, nil for none), gradient accumulation over `accumulate` batches, "
                    + "seeded shuffling and dynamic padding (each batch padded to its longest example; "
                    + "`groupByLength: true` batches examples of similar length together, as transformers' "
                    + "`group_by_length`, which saves most of the padding on texts of mixed lengths). The validation loss and the task's metrics are shown after "
                    + "each epoch (accuracy; subset accuracy and micro/macro F1; MAE and Pearson's r). "
                    + "`patience` stops after that many epochs without a lower validation loss and restores the best "
                    + "weights. Single-label only: `classWeights: true` weights the loss by n / (labels · count), and "
                    + "`labelSmoothing` is the ε of `torch.nn.CrossEntropyLoss(label_smoothing:)`. Calling `train` again "
                    + "continues with the same optimizer state (step count, moments; the schedule is extended over the "
                    + "new steps; `warmup` applies to the first call). Interrupting stops at the next batch with the "
                    + "steps done kept; a non-finite loss stops with a NumericError keeping the last good weights.",
                parameters: [
                    Parameter("epochs", .int, default: .int(3), range: 1...10_000, doc: "passes over the training split"),
                    Parameter("lr", .double, default: .double(5e-5), doc: "peak learning rate"),
                    Parameter("batch", .int, default: .int(32), range: 1...65_536, doc: "examples per batch"),
                    Parameter("maxLength", .int, default: .int(128), range: 2...1_000_000, doc: "tokens kept per example"),
                    Parameter("warmup", .double, default: .double(0.0), doc: "fraction of the steps spent warming up"),
                    Parameter("weightDecay", .double, default: .double(0.01), doc: "AdamW's decoupled weight decay"),
                    Parameter("seed", .int, default: .int(42), doc: "seeds shuffling and dropout"),
                    Parameter("clip", .double, default: .double(1.0), optional: true, doc: "maximum gradient norm; nil for none"),
                    Parameter("accumulate", .int, default: .int(1), range: 1...4096, doc: "batches per optimizer step"),
                    Parameter("patience", .int, optional: true, doc: "early stopping on the validation loss"),
                    Parameter("classWeights", .bool, default: .bool(false), doc: "balanced class weights in the loss"),
                    Parameter("labelSmoothing", .double, default: .double(0.0), doc: "label smoothing ε in [0, 1)"),
                    Parameter("groupByLength", .bool, default: .bool(false), doc: "batch examples of similar length together"),
                ],
                returns: "Training",
                example: "train(epochs: 3, lr: 5e-5, batch: 32)"
            ) { args, context in
                let options = TrainOptions(
                    epochs: try args.int("epochs"), lr: try args.double("lr"), batch: try args.int("batch"),
                    maxLength: try args.int("maxLength"), warmup: try args.double("warmup"),
                    weightDecay: try args.double("weightDecay"), seed: try args.int("seed"),
                    clip: try args.optionalDouble("clip"), accumulate: try args.int("accumulate"),
                    patience: try args.optionalInt("patience"), classWeights: try args.bool("classWeights"),
                    labelSmoothing: try args.double("labelSmoothing"), groupByLength: try args.bool("groupByLength"))
                let report = try context.session.train(options, output: context.output)
                return .rich(RichValue(typeName: "Training", bundle: report.bundle, payload: report))
            },
            Command(
                name: "evaluate", group: .training,
                summary: "The metrics of the dataset's task on a split: accuracy, F1, confusion matrix; or MSE, correlations.",
                doc: "Runs the model in evaluation mode on the split and shows the metrics of the dataset's task. "
                    + "Single-label: accuracy, per-class precision/recall/F1, macro F1, the confusion matrix (rows: true "
                    + "label, columns: predicted) and the most confidently wrong examples. Multi-label (a label is "
                    + "predicted when its sigmoid is at least 0.5): subset accuracy, micro and macro F1, Hamming loss, "
                    + "per-class precision/recall/F1 and the most confidently wrong label decisions. Regression: mean "
                    + "squared and absolute error, Pearson's and Spearman's correlation, and the largest errors.",
                parameters: [
                    Parameter("split", .string, default: .string("validation"), allowed: ["validation", "test", "train"],
                              doc: "which part of the dataset"),
                    Parameter("maxLength", .int, default: .int(128), range: 2...1_000_000, doc: "tokens kept per example"),
                ],
                returns: "Evaluation",
                example: "evaluate(split: \"test\")"
            ) { args, context in
                let report = try context.session.evaluate(split: try args.string("split"), maxLength: try args.int("maxLength"),
                                                          output: context.output)
                return .rich(RichValue(typeName: "Evaluation", bundle: report.bundle, payload: report))
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
