import Display

/// `plot(kind)` and `plot(attention:)`: every chart, drawn by the Plotting target and sent as
/// `display_data` with SVG, PNG and a text description. They return no value.
enum PlotCommands {
    static func all() -> [Command] {
        [
            Command(
                name: "plot", group: .teaching,
                summary: "Draws a chart of the training history, the evaluation, the dataset or pre-training.",
                doc: """
                    Kinds: `loss` (training loss per step, raw and smoothed, validation loss per epoch), `accuracy` \
                    (train and validation per epoch; subset accuracy for multi-label data), `lr` (the learning-rate \
                    schedule), `confusion` (the last single-label `evaluate`), `lengths` (token lengths of the training \
                    texts and the `maxLength` cut: the argument, else the last `train`'s; how many texts it cuts, and \
                    a suggestion of `train(window:, stride:)` when that is a tenth of them or more), `labels` (class \
                    balance per split), `pretraining` (masked-LM and next-sentence losses of the last `pretrain`), `embeddings` (the validation examples mapped by PCA; \
                    `plot("embeddings", split:, layer:, pool:)` for the options). The plot is shown as SVG and PNG; the cell returns no \
                    value. A plot whose data is missing, or that does not apply to the task (`accuracy` for regression, \
                    `confusion` for multi-label or regression, `labels` for regression), says so. With `runs: [\"a\", \"b\"]` \
                    the `loss`, `accuracy` or `lr` of those runs of the run log (`runs()`) are drawn over one another \
                    against the optimizer step, one colour and legend entry per run.
                    """,
                parameters: [Parameter(positional: "kind", .string, allowed: PlotKind.allCases.map(\.rawValue),
                                       doc: "what to draw"),
                             Parameter("runs", .array(.string), optional: true,
                                       doc: "runs of the run log to overlay, by name (loss, accuracy, lr)"),
                             Parameter("maxLength", .int, optional: true, range: 2...1_000_000,
                                       doc: "lengths: the cut to draw (default: the last train's maxLength)")],
                example: "plot(\"loss\")"
            ) { args, context in
                guard let kind = PlotKind(rawValue: try args.string("kind")) else {
                    throw SessionError(.argument, "unknown plot kind", argument: "kind")
                }
                let runs = try args.optionalStrings("runs")
                let plot = try runs.map { try context.session.plot(kind, runs: $0) }
                    ?? context.session.plot(kind, maxLength: try args.optionalInt("maxLength"))
                try context.display(plot)
                return nil
            },
            Command(
                name: "plot", group: .teaching,
                summary: "Maps a split of the dataset: each example's vector projected to two dimensions by PCA.",
                doc: """
                    Runs every example of `split` through the model and takes its vector from the output of encoder \
                    layer `layer` (from 0; nil for the last): the [CLS] row (`pool: "cls"`), or the mean over its tokens \
                    (`pool: "mean"`, padding excluded). The vectors are projected on their first two principal components \
                    (the covariance's top eigenvectors, each turned so that its largest entry is positive, so the same data \
                    always gives the same picture); the axes say how much of the variance each keeps. Points are coloured \
                    by label; when the classifier has the dataset's labels, misclassified examples get a dark rim; each \
                    point's text is its SVG title, which a browser shows on hover. Called before and after `train`, it \
                    shows what fine-tuning did to the geometry. The split needs at least three examples.
                    """,
                parameters: [
                    Parameter(positional: "kind", .string, allowed: ["embeddings"], doc: "\"embeddings\""),
                    Parameter("split", .string, default: .string("validation"), allowed: ["train", "validation", "test"],
                              doc: "which examples to map"),
                    Parameter("layer", .int, optional: true, range: 0...1000, doc: "the encoder layer, from 0; nil for the last"),
                    Parameter("pool", .string, default: .string(EmbeddingPooling.cls.rawValue),
                              allowed: EmbeddingPooling.allCases.map(\.rawValue), doc: "\"cls\" or \"mean\" (over the tokens)"),
                ],
                example: "plot(\"embeddings\", split: \"validation\", layer: nil, pool: \"cls\")"
            ) { args, context in
                guard let pool = EmbeddingPooling(rawValue: try args.string("pool")) else {
                    throw SessionError(.argument, "unknown pooling", argument: "pool")
                }
                let plot = try context.session.plotEmbeddings(split: try args.string("split"), layer: try args.optionalInt("layer"),
                                                              pool: pool)
                try context.display(plot)
                return nil
            },
            Command(
                name: "plot", group: .teaching,
                summary: "Draws the attention of one layer for a text: one head, or all heads as a grid.",
                doc: """
                    Runs `attention` (and `pair`) through the model and draws layer `layer`'s attention probabilities: \
                    row i shows how much token i attends to each token. With `head: nil` every head of the layer is \
                    drawn side by side on one colour scale. Layers and heads count from 0. With `token` (and `head`), \
                    the neuron view of that head for one query token: its query vector q, every key vector k, their \
                    elementwise products (each row sums to q·k), the scores q·k/√d, the softmax weights and the \
                    value-weighted sum that becomes the token's context, as a table of numbers (JSON too) and a figure. \
                    `token` is a wordpiece of the text (its first occurrence).
                    """,
                parameters: [
                    Parameter("attention", .string, doc: "the text to look at"),
                    Parameter("pair", .string, optional: true, doc: "a second text (segment B)"),
                    Parameter("layer", .int, default: .int(0), range: 0...1000, doc: "the encoder layer, from 0"),
                    Parameter("head", .int, optional: true, doc: "one head, from 0; nil for all heads of the layer"),
                    Parameter("token", .string, optional: true, doc: "a query token: the neuron view of `head` for it"),
                ],
                example: "plot(attention: \"The child came home from school.\", layer: 3, head: 5, token: \"home\")"
            ) { args, context in
                if let token = try args.optionalString("token") {
                    guard let head = try args.optionalInt("head") else {
                        throw SessionError(.argument, "token: opens one head; give head: too", argument: "token")
                    }
                    let report = try context.session.neuronView(try args.string("attention"), pair: try args.optionalString("pair"),
                                                                layer: try args.int("layer"), head: head, token: token)
                    context.display(report.bundle)
                    try context.display(report.figure)
                    return nil
                }
                let plot = try context.session.plotAttention(try args.string("attention"), pair: try args.optionalString("pair"),
                                                             layer: try args.int("layer"), head: try args.optionalInt("head"))
                try context.display(plot)
                return nil
            },
        ]
    }
}
