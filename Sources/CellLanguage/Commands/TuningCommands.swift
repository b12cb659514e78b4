import Bert
import Display

/// Choosing hyper-parameters: bindings over `Session.lrFind` and `Session.search`.
enum TuningCommands {
    /// `train`'s declarations of the options these commands take too, so defaults and ranges are train's.
    static func trainOptions(_ names: [String]) -> [TrainOptions.Declaration] {
        TrainOptions.declarations.filter { names.contains($0.name) }
    }

    static func readOptions(_ names: [String], _ args: Arguments) throws -> TrainOptions {
        var options = TrainOptions()
        for option in trainOptions(names) { option.write(try args.value(of: option), &options) }
        return options
    }

    static let finderOptions = ["batch", "maxLength", "seed"]
    static let searchOptions = ["maxLength", "seed"]

    static func all() -> [Command] {
        [
            Command(
                name: "lrFind", group: .training,
                summary: "The learning-rate finder: loss against an exponentially rising rate, with three suggestions.",
                doc: "fastai's learning-rate range test (`LRFinder`): `steps` optimizer updates, one per batch, at rates "
                    + "rising exponentially from `start` to `end`, on a copy of the model with a fresh AdamW (weight decay "
                    + "and clipping as `train`'s defaults). The loss is smoothed as fastai smooths it (an exponential moving "
                    + "average with β = 0.98, bias-corrected); the sweep stops when the smoothed loss passes four times its "
                    + "minimum, or at a loss that is not finite (NaN never enters the curve). The plot shows loss against "
                    + "learning rate on a log axis with the suggestions marked, chosen as fastai chooses them from the "
                    + "smoothed curve without its first tenth and last five points: **valley** (1/2 of the way along the "
                    + "longest descending run, fastai's default), **steep** (the steepest descent per decade) and "
                    + "**minimum/10** (a tenth of the rate at the lowest loss). Suggestions are a starting point, not an "
                    + "answer: read the curve. The batches are shuffled with `seed`, so the same call gives the same curve "
                    + "bit for bit. The session is left exactly as it was: weights, optimizer, history and run log "
                    + "(an interrupt too).",
                parameters: [
                    Parameter("start", .double, default: .double(1e-7), range: 1e-12...10, doc: "the first learning rate"),
                    Parameter("end", .double, default: .double(1.0), range: 1e-12...10, doc: "the last learning rate (> start)"),
                    Parameter("steps", .int, default: .int(100), range: 6...1000, doc: "updates (batches) in the sweep"),
                ] + trainOptions(finderOptions).map(Parameter.init),
                returns: "LearningRateFinder",
                example: "lrFind(start: 1e-7, end: 1.0, steps: 100)"
            ) { args, context in
                let report = try context.session.lrFind(start: try args.double("start"), end: try args.double("end"),
                                                        steps: try args.int("steps"),
                                                        options: try readOptions(finderOptions, args), output: context.output)
                try context.display(report.figure)
                return .rich(RichValue(typeName: "LearningRateFinder", bundle: report.bundle))
            },
            Command(
                name: "search", group: .training,
                summary: "Tries learning rates and batch sizes, each a train from the same weights; ends on the best trial's weights.",
                doc: "One trial per (lr, batch) of the grid, or `trials` of them drawn at random with `seed`: each a real "
                    + "`train` of `epochs` epochs from the same starting weights with a fresh optimizer, recorded in `runs()` "
                    + "as \"search N: ...\", and scored by `evaluate(split: \"validation\")` on its final weights with "
                    + "`metric` (\"accuracy\", \"loss\", \"macro_f1\", ...: a metric `best:` takes). Early stop: a trial is "
                    + "stopped after its first epoch when its metric there is more than 0.1 (absolute) worse than the best "
                    + "first-epoch metric so far. A trial whose loss turns non-finite is marked failed. "
                    + "Budget (seconds): before anything runs, one timed forward pass estimates the cheapest trial (three "
                    + "forward passes per training example, plus validation, per epoch); a smaller budget is an error. "
                    + "After the first trial, a trial starts only if the first trial's time fits in what is left. "
                    + "A table and a bar plot grow as trials finish. At the end the best trial's weights are loaded (kept "
                    + "from the trial, not retrained) with its optimizer, so a following `train` continues that trial, and "
                    + "its history: `evaluate()` then gives that trial's evaluation exactly. An interrupt keeps the "
                    + "finished trials and loads the best of them.",
                parameters: [
                    Parameter("lr", .array(.double), doc: "learning rates to try"),
                    Parameter("batch", .array(.int), doc: "batch sizes to try"),
                    Parameter("epochs", .int, default: .int(2), range: 1...10_000, doc: "epochs of each trial"),
                    Parameter("metric", .string, default: .string("accuracy"),
                              suggestions: ["accuracy", "loss", "macro_f1", "micro_f1", "mae", "pearson"],
                              doc: "what picks the best trial, on the validation split"),
                    Parameter("budget", .double, optional: true, range: 1e-9...31_536_000,
                              doc: "seconds for the whole search; nil for none"),
                    Parameter("trials", .int, optional: true, range: 1...1_000_000,
                              doc: "trials drawn at random from the grid (seeded); nil for all"),
                ] + trainOptions(searchOptions).map(Parameter.init),
                returns: "Search",
                example: "search(lr: [2e-5, 5e-5, 1e-4], batch: [16, 32], epochs: 2, metric: \"accuracy\", budget: 600)"
            ) { args, context in
                let base = try readOptions(searchOptions, args)
                guard case .array(let lrs)? = args["lr"], case .array(let batches)? = args["batch"] else {
                    throw SessionError(.argument, "lr and batch must be lists, e.g. lr: [2e-5, 5e-5], batch: [16, 32]")
                }
                let options = Session.SearchOptions(
                    lr: lrs.compactMap { value -> Double? in
                        if case .double(let d) = value { return d }
                        return nil
                    },
                    batch: batches.compactMap { value -> Int? in
                        if case .int(let i) = value { return i }
                        return nil
                    },
                    epochs: try args.int("epochs"), metric: try args.string("metric"), budget: try args.optionalDouble("budget"),
                    trials: try args.optionalInt("trials"), seed: base.seed)
                let report = try context.session.search(options, base: base, output: context.output)
                return .rich(RichValue(typeName: "Search", bundle: report.bundle))
            },
        ]
    }
}
