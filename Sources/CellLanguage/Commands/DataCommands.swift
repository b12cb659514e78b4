import Display

/// Loading a dataset and checking it: bindings over `Session.load(dataset:...)` and `Session.check(maxLength:)`.
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
                return .rich(RichValue(typeName: "Dataset", bundle: summary.bundle))
            },
            Command(
                name: "check", group: .data,
                summary: "Looks for the loaded dataset's problems: duplicates, leakage, conflicting or misspelt labels, rare classes, truncation.",
                doc: "Reports, each with a count and the lines of the source file (the first few, then \"and N more\"): "
                    + "empty or whitespace-only texts; exact duplicates and duplicates after lowercasing and collapsing "
                    + "whitespace, within a split and across train, validation and test (leakage); the same text with "
                    + "different labels; label names that differ only in case, spaces or punctuation (likely typos); "
                    + "classes with fewer than 5 examples or under 1% of the data; texts longer than `maxLength` tokens "
                    + "(counted with the model's tokenizer when a model is loaded, else a lower bound: words and "
                    + "punctuation marks); U+FFFD replacement characters left by undecodable bytes. `load(dataset:)` ends "
                    + "with a one-line summary of these findings when there are any.",
                parameters: [
                    Parameter("maxLength", .int, default: .int(128), range: 2...1_000_000,
                              doc: "the length in tokens beyond which a text counts as truncated"),
                ],
                returns: "DataCheck",
                example: "check()"
            ) { args, context in
                let report = try context.session.check(maxLength: try args.int("maxLength"))
                return .rich(RichValue(typeName: "DataCheck", bundle: report.bundle))
            },
        ]
    }
}
