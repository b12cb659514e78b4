import Display

/// Loading a dataset: a binding over `Session.load(dataset:...)`.
enum DataCommands {
    static func all() -> [Command] {
        [
            Command(
                name: "load", group: .data,
                summary: "Loads a labelled dataset (CSV, TSV, JSONL or \"demo\") and shows its label balance.",
                doc: "Reads the `text` column (and `pair` for sentence pairs) and the `label` column; label names become "
                    + "the label map (sorted; integers numerically). `validation` is the fraction held out (seeded, "
                    + "stratified); `test` a separate file; `limit` keeps the first rows of the file. With a model "
                    + "loaded, a fresh classifier is resized to the dataset's labels.",
                parameters: [
                    Parameter("dataset", .string, suggestions: ["demo"], paths: true, doc: "a .csv, .tsv or .jsonl file, or \"demo\""),
                    Parameter("text", .string, default: .string("text"), doc: "the text column"),
                    Parameter("label", .string, default: .string("label"), doc: "the label column"),
                    Parameter("pair", .string, optional: true, doc: "the second-text column of a pair task"),
                    Parameter("validation", .double, default: .double(0.1), range: 0...0.99, doc: "fraction held out for validation"),
                    Parameter("test", .string, optional: true, paths: true, doc: "a separate test file with the same columns"),
                    Parameter("limit", .int, optional: true, range: 1...100_000_000, doc: "keep only the first rows"),
                ],
                returns: "Dataset",
                example: "load(dataset: \"demo\")"
            ) { args, context in
                let summary = try context.session.load(
                    dataset: try args.string("dataset"), text: try args.string("text"), label: try args.string("label"),
                    pair: try args.optionalString("pair"), validation: try args.double("validation"),
                    test: try args.optionalString("test"), limit: try args.optionalInt("limit"))
                return .rich(RichValue(typeName: "Dataset", bundle: summary.bundle, payload: summary))
            },
        ]
    }
}
