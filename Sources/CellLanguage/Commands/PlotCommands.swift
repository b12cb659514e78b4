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
                    balance per split), `pretraining` (masked-LM and \
                    next-sentence losses of the last `pretrain`). The plot is shown as SVG and PNG; the cell returns no \
                    value. A plot whose data is missing, or that does not apply to the task (`accuracy` for regression, \
                    `confusion` for multi-label or regression, `labels` for regression), says so.
                    """,
                parameters: [Parameter(positional: "kind", .string, allowed: PlotKind.allCases.map(\.rawValue),
                                       doc: "what to draw"),
                             Parameter("maxLength", .int, optional: true, range: 2...1_000_000,
                                       doc: "lengths: the cut to draw (default: the last train's maxLength)")],
                example: "plot(\"loss\")"
            ) { args, context in
                guard let kind = PlotKind(rawValue: try args.string("kind")) else {
                    throw SessionError(.argument, "unknown plot kind", argument: "kind")
                }
                let plot = try context.session.plot(kind, maxLength: try args.optionalInt("maxLength"))
                context.display(try FigureDisplay.bundle(plot.figure, description: plot.description))
                return nil
            },
            Command(
                name: "plot", group: .teaching,
                summary: "Draws the attention of one layer for a text: one head, or all heads as a grid.",
                doc: """
                    Runs `attention` (and `pair`) through the model and draws layer `layer`'s attention probabilities: \
                    row i shows how much token i attends to each token. With `head: nil` every head of the layer is \
                    drawn side by side on one colour scale. Layers and heads count from 0.
                    """,
                parameters: [
                    Parameter("attention", .string, doc: "the text to look at"),
                    Parameter("pair", .string, optional: true, doc: "a second text (segment B)"),
                    Parameter("layer", .int, default: .int(0), range: 0...1000, doc: "the encoder layer, from 0"),
                    Parameter("head", .int, optional: true, doc: "one head, from 0; nil for all heads of the layer"),
                ],
                example: "plot(attention: \"The child came home from school.\", layer: 0, head: nil)"
            ) { args, context in
                let plot = try context.session.plotAttention(try args.string("attention"), pair: try args.optionalString("pair"),
                                                             layer: try args.int("layer"), head: try args.optionalInt("head"))
                context.display(try FigureDisplay.bundle(plot.figure, description: plot.description))
                return nil
            },
        ]
    }
}
