import Display

/// Looking inside a prediction: `explain(text)`, `explain(errors:)` and `layers(text)`.
enum ExplainCommands {
    static let group = Command.Group("Looking inside", order: 45)

    static let methodParameter = Parameter(
        "method", .string, default: .string(ExplainMethod.integratedGradients.rawValue),
        allowed: ExplainMethod.allCases.map(\.rawValue),
        doc: "\"integratedGradients\" (attributions that sum to the logit's change) or \"occlusion\" (mask each word)")
    static let stepsParameter = Parameter("steps", .int, default: .int(50), range: 2...1000,
                                          doc: "integration steps (integrated gradients)")
    static let baselineParameter = Parameter(
        "baseline", .string, default: .string(ExplainBaseline.pad.rawValue), allowed: ExplainBaseline.allCases.map(\.rawValue),
        doc: "what replaces every token but [CLS] and [SEP] at the start of the path: \"pad\", \"mask\" or \"unk\"")
    static let maxLengthParameter = Parameter("maxLength", .int, default: .int(128), range: 2...4096,
                                              doc: "tokens per text, [CLS] and [SEP] included")

    static let methodDoc = """
        **Integrated gradients** (the default) is captum's `LayerIntegratedGradients` on `bert.embeddings`: the \
        embeddings' output moves in `steps` straight steps from the baseline's (every token but [CLS] and [SEP] \
        replaced by `baseline`'s token) to the text's; the gradient of the target's logit is taken at each (the steps \
        run as batches through the model's own backward pass), weighted by the trapezoid rule as captum weights it \
        (1/steps each, the two ends halved), and multiplied by the difference of the two embeddings; each token's \
        attribution is the sum over the hidden dimension, each word's the sum of its wordpieces. Completeness: the \
        attributions sum to about f(text) − f(baseline), the change of the target's logit; the output prints both, \
        and warns with a larger `steps:` when they differ by more than 5% (captum's weights sum to 1 − 1/steps, so \
        even a straight-line model stays 1/steps short). \
        **Occlusion** replaces each word's wordpieces by [MASK] in turn and reports how much the target's probability \
        drops (the value's change for regression). Green words speak for the target, red against it; the output \
        carries the text coloured, a table per word and per token, and the numbers as JSON.
        """

    static func all() -> [Command] {
        [
            Command(
                name: "explain", group: group,
                summary: "Which words made the model say that: integrated gradients or occlusion, per token and word.",
                doc: """
                    Explains the classifier's output for `text` (and `pair`). `target` is a label name; by default the \
                    predicted label (single-label), every predicted label (multi-label; the most probable one when none \
                    reaches 0.5), or the predicted value (regression, where `target` is not used). 
                    """ + methodDoc,
                parameters: [
                    Parameter(positional: "text", .string, doc: "the text to explain"),
                    Parameter("pair", .string, optional: true, doc: "a second text (segment B)"),
                    Parameter("target", .string, optional: true, doc: "the label to explain; nil for the prediction"),
                    methodParameter, stepsParameter, baselineParameter, maxLengthParameter,
                ],
                returns: "Explanation",
                example: "explain(\"a wonderful, moving film\", target: \"positive\", steps: 50, baseline: \"pad\")"
            ) { args, context in
                let report = try context.session.explain(
                    try args.string("text"), pair: try args.optionalString("pair"), target: try args.optionalString("target"),
                    method: try method(args), steps: try args.int("steps"), baseline: try baseline(args),
                    maxLength: try args.int("maxLength"))
                return shown(report, context)
            },
            Command(
                name: "explain", group: group,
                summary: "Explains the most confidently wrong examples of a split.",
                doc: """
                    Finds the `errors` examples of `split` that the model gets wrong with the highest probability (as \
                    `evaluate` lists them) and explains each for the label the model predicted: why did it say that? \
                    Needs a single-label dataset and its trained classifier. 
                    """ + methodDoc,
                parameters: [
                    Parameter("errors", .int, default: .int(5), range: 1...100, doc: "how many mistakes to explain"),
                    Parameter("split", .string, default: .string("validation"), allowed: ["train", "validation", "test"],
                              doc: "where to look for mistakes"),
                    methodParameter, stepsParameter, baselineParameter, maxLengthParameter,
                ],
                returns: "Explanation",
                example: "explain(errors: 5)"
            ) { args, context in
                let report = try context.session.explainErrors(
                    try args.int("errors"), split: try args.string("split"), method: try method(args),
                    steps: try args.int("steps"), baseline: try baseline(args), maxLength: try args.int("maxLength"))
                return shown(report, context)
            },
            Command(
                name: "layers", group: group,
                summary: "What each layer already knows: the MLM head or the classifier read at every hidden state.",
                doc: """
                    For a text with `[MASK]` and a model with a masked-LM head: the `top` predictions at each `[MASK]` \
                    decoded from every hidden state (the embeddings' output, then each encoder layer's) through the MLM \
                    head, the "logit lens". For a classifier: the class probabilities from every layer's [CLS] through \
                    pooler and classifier. The last row is what `mask` and `predict` give. A plot shows the probability \
                    of the final answer (the last layer's best token at each [MASK], or every label) by layer. \
                    Mind that the heads were trained on the last layer only: earlier layers are read through heads \
                    that never saw them, so a low probability there means "not decodable this way yet", not "unknown".
                    """,
                parameters: [
                    Parameter(positional: "text", .string, doc: "a text; with [MASK] for the masked-LM lens"),
                    Parameter("pair", .string, optional: true, doc: "a second text (segment B)"),
                    Parameter("top", .int, default: .int(5), range: 1...100, doc: "predictions shown per [MASK] and layer"),
                ],
                returns: "Layers",
                example: "layers(\"The child came home from [MASK].\", top: 5)"
            ) { args, context in
                let report = try context.session.layers(try args.string("text"), pair: try args.optionalString("pair"),
                                                        top: try args.int("top"))
                try context.display(report.figure)
                return .rich(RichValue(typeName: "Layers", bundle: report.bundle))
            },
        ]
    }

    /// What both `explain`s return: the explanation, after its completeness warnings (an
    /// explanation that needs more steps) on stderr.
    static func shown(_ report: ExplainReport, _ context: ExecutionContext) -> Value {
        for warning in report.warnings { context.warn("warning: " + warning + "\n") }
        return .rich(RichValue(typeName: "Explanation", bundle: report.bundle))
    }

    static func method(_ args: Arguments) throws -> ExplainMethod {
        guard let method = ExplainMethod(rawValue: try args.string("method")) else {
            throw SessionError(.argument, "unknown method", argument: "method")
        }
        return method
    }

    static func baseline(_ args: Arguments) throws -> ExplainBaseline {
        guard let baseline = ExplainBaseline(rawValue: try args.string("baseline")) else {
            throw SessionError(.argument, "unknown baseline", argument: "baseline")
        }
        return baseline
    }
}
