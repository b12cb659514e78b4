@testable import CellLanguage

/// Commands shaped like the later ones (overloads, enumerations, optionals), for tests of the
/// registry without the model: each returns a string naming the overload and its arguments.
enum TestCommands {
    static func echo(_ selector: String) -> Command.Handler {
        { args, _ in
            .string(selector + " " + args.values.keys.sorted().map { "\($0)=\(args.values[$0]!.plainText)" }.joined(separator: " "))
        }
    }

    static func registry() -> CommandRegistry {
        // Only the basic groups: the real model commands would clash with these stand-ins.
        let registry = CommandRegistry()
        registry.register(BasicCommands.all())
        registry.register(SessionCommands.all())
        registry.register([
            Command(name: "plot", group: .training, summary: "Plots a metric.", doc: "", parameters: [
                Parameter(positional: "kind", .string, allowed: ["loss", "accuracy", "lr", "confusion"], doc: "what to plot"),
            ], example: "plot(\"loss\")", handler: echo("plot(_:)")),
            Command(name: "plot", group: .training, summary: "Plots attention.", doc: "", parameters: [
                Parameter("attention", .string, doc: "the text"),
                Parameter("layer", .int, default: .int(0), range: 0...100, doc: "layer"),
                Parameter("head", .int, optional: true, doc: "head, or all"),
            ], example: "plot(attention: \"hi\")", handler: echo("plot(attention:layer:head:)")),
            Command(name: "train", group: .training, summary: "Fine-tunes.", doc: "", parameters: [
                Parameter("epochs", .int, default: .int(3), range: 1...1000, doc: "passes"),
                Parameter("lr", .double, default: .double(5e-5), doc: "learning rate"),
                Parameter("patience", .int, optional: true, doc: "early stopping"),
            ], example: "train(epochs: 3)", handler: echo("train(epochs:lr:patience:)")),
            Command(name: "load", group: .model, summary: "Loads a model.", doc: "", parameters: [
                Parameter("model", .string, suggestions: ["all-MiniLM-L6-v2"], paths: true, doc: "name or directory"),
                Parameter("labels", .int, default: .int(2), doc: "classes"),
            ], example: "load(model: \"all-MiniLM-L6-v2\")", handler: echo("load(model:labels:)")),
            Command(name: "load", group: .data, summary: "Loads a dataset.", doc: "", parameters: [
                Parameter("dataset", .string, suggestions: ["demo"], paths: true, doc: "file"),
                Parameter("text", .string, default: .string("text"), doc: "column"),
            ], example: "load(dataset: \"demo\")", handler: echo("load(dataset:text:)")),
            Command(name: "predict", group: .training, summary: "Predicts.", doc: "", parameters: [
                Parameter(positional: "texts", .oneOf([.string, .array(.string)]), doc: "texts"),
            ], example: "predict(\"great\")", handler: { args, _ in .array(try args.strings("texts").map(Value.string)) }),
            Command(name: "evaluate", group: .training, summary: "Evaluates.", doc: "", parameters: [
                Parameter("split", .string, default: .string("validation"), allowed: ["train", "validation", "test"], doc: "split"),
            ], example: "evaluate()", handler: echo("evaluate(split:)")),
        ])
        return registry
    }
}
