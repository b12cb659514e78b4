import Numerics

extension TextDataset {
    /// The file formats `load` reads, chosen by the file's extension.
    public enum FileFormat: String, Sendable {
        case csv, tsv, jsonl

        /// `.csv`; `.tsv`, `.tab`; `.jsonl`, `.ndjson`, `.json` (lines or an array of objects).
        public init(path: String) throws {
            let ext = path.split(separator: "/").last.flatMap { name in
                name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } : nil
            }
            switch ext {
            case "csv": self = .csv
            case "tsv", "tab": self = .tsv
            case "jsonl", "ndjson", "json": self = .jsonl
            default:
                throw DatasetError.argument(
                    "cannot tell the format of \(path): name it .csv, .tsv or .jsonl (or use \"demo\" for the embedded sample)")
            }
        }
    }

    /// The name that selects the embedded sample instead of a file.
    public static let demoName = "demo"

    /// Loads a dataset (SPEC: `load(dataset:text:label:pair:validation:test:limit:)`).
    ///
    ///     let data = try TextDataset.load(dataset: "sst2/train.tsv", text: "sentence",
    ///                                     validation: 0.1, test: "sst2/test.tsv", limit: 2000)
    ///
    /// - dataset: a `.csv`, `.tsv` or `.jsonl` path, or `"demo"` (the embedded sample, columns
    ///   `text` and `label`; it takes precedence over a file named `demo`).
    /// - text, label, pair: column names (JSON keys).
    /// - validation: the fraction of the (limited) file held out for validation, in [0, 1);
    ///   0 for none. Seeded and stratified (`StratifiedSplit`).
    /// - test: a separate file with the same columns, read whole; its labels must all occur in
    ///   the training file.
    /// - limit: keep only the first `limit` rows of the dataset file (not of the test file).
    /// - seed: the split's seed.
    public static func load(dataset: String, text: String = "text", label: String = "label", pair: String? = nil,
                            validation: Double = 0.1, test: String? = nil, limit: Int? = nil,
                            seed: UInt64 = 42) throws -> TextDataset {
        guard validation.isFinite, validation >= 0, validation < 1 else {
            throw DatasetError.argument("validation must be a fraction in [0, 1), e.g. 0.1; got \(validation)")
        }
        if let limit, limit < 1 {
            throw DatasetError.argument("limit must be a positive number of rows, got \(limit)")
        }
        let table = try readTable(dataset, rowLimit: limit)
        let columns = try ColumnChoice(table: table, text: text, pair: pair, label: label)
        let rawLabels = table.rows.map { $0.fields[columns.label] }
        guard !table.rows.isEmpty else {
            throw DatasetError.format("\(table.source) has a header but no data rows")
        }
        let decoding = LabelDecoding(trainingValues: rawLabels)
        let examples = try makeExamples(table, columns, decoding, labelName: label, isTestFile: false)
        switch decoding.task {
        case .singleLabel, .multiLabel:
            guard decoding.labelMap.count >= 2 else {
                let only = decoding.labelMap.names.first.map { "'\($0)'" } ?? "none"
                throw DatasetError.format(
                    "\(table.source): column '\(label)' has only one label (\(only)); a classifier needs examples of at least two classes")
            }
        case .regression:
            guard examples.count >= 2 else {
                throw DatasetError.format("\(table.source): a regression dataset needs at least two examples")
            }
        }

        var rng = SeededGenerator(seed: seed)
        let strata = decoding.task == .singleLabel ? examples.map { $0.label.classID! } : nil
        let (trainIndices, validationIndices) = StratifiedSplit.split(
            strata: strata, count: examples.count, fraction: validation, using: &rng)

        var testExamples: [Example] = []
        if let test {
            let testTable = try readTable(test, rowLimit: nil)
            let testColumns = try ColumnChoice(table: testTable, text: text, pair: pair, label: label)
            testExamples = try makeExamples(testTable, testColumns, decoding, labelName: label, isTestFile: true)
            guard !testExamples.isEmpty else {
                throw DatasetError.format("\(testTable.source) has a header but no data rows")
            }
        }
        return TextDataset(name: dataset, testSource: test, task: decoding.task, labelMap: decoding.labelMap,
                           textColumn: text, pairColumn: pair, labelColumn: label,
                           train: trainIndices.map { examples[$0] }, validation: validationIndices.map { examples[$0] },
                           test: testExamples, validationFraction: validation, seed: seed)
    }

    /// The raw table of a file or of the embedded demo data.
    static func readTable(_ nameOrPath: String, rowLimit: Int?) throws -> RawTable {
        if nameOrPath == demoName {
            let rows = DemoSentiment.examples.prefix(rowLimit ?? Int.max).enumerated().map { index, example in
                RawTable.Row(line: index + 2, fields: [.text(example.text), .text(example.label)])
            }
            return RawTable(header: ["text", "label"], rows: Array(rows), source: "the demo dataset")
        }
        try TextFileDecoding.checkIsFile(path: nameOrPath)
        let format = try FileFormat(path: nameOrPath)
        let bytes = try TextFileDecoding.readBytes(path: nameOrPath)
        switch format {
        case .csv: return try DelimitedTextParser.parse(bytes, dialect: .csv, source: nameOrPath, rowLimit: rowLimit)
        case .tsv: return try DelimitedTextParser.parse(bytes, dialect: .tsv, source: nameOrPath, rowLimit: rowLimit)
        case .jsonl: return try JSONLinesParser.parse(bytes, source: nameOrPath, rowLimit: rowLimit)
        }
    }

    private struct ColumnChoice {
        let text: Int
        let pair: Int?
        let label: Int

        init(table: RawTable, text: String, pair: String?, label: String) throws {
            self.text = try table.columnIndex(text, role: "text")
            self.pair = try pair.map { try table.columnIndex($0, role: "pair") }
            self.label = try table.columnIndex(label, role: "label")
        }
    }

    /// Examples of every row, or an error naming the first bad row (and how many more).
    private static func makeExamples(_ table: RawTable, _ columns: ColumnChoice, _ decoding: LabelDecoding,
                                     labelName: String, isTestFile: Bool) throws -> [Example] {
        var examples: [Example] = []
        examples.reserveCapacity(table.rows.count)
        var missingLabelLines: [Int] = []
        var unknownLabels: [String: Int] = [:]   // name -> first line
        for row in table.rows {
            let text = try textValue(row, columns.text, table: table, role: "text")
            let pair = try columns.pair.map { try textValue(row, $0, table: table, role: "pair") }
            switch decoding.decode(row.fields[columns.label]) {
            case .label(let label):
                examples.append(Example(text: text, pair: pair, label: label, line: row.line))
            case .missing:
                missingLabelLines.append(row.line)
            case .unknown(let names):
                for name in names where unknownLabels[name] == nil { unknownLabels[name] = row.line }
            case .unsupported(let kind):
                throw DatasetError.format("\(table.source), line \(row.line): column '\(labelName)' holds \(kind), which is not a label")
            case .notANumber(let value):
                throw DatasetError.format(
                    "\(table.source), line \(row.line): label '\(value)' is not a number, but the training labels are numbers (regression)")
            }
        }
        if let first = missingLabelLines.first {
            let more = missingLabelLines.count > 1 ? " (and \(missingLabelLines.count - 1) more row\(missingLabelLines.count == 2 ? "" : "s"))" : ""
            throw DatasetError.format("\(table.source), line \(first): no value in label column '\(labelName)'\(more)")
        }
        if !unknownLabels.isEmpty {
            let listed = unknownLabels.sorted { $0.value < $1.value }.prefix(10)
                .map { "'\($0.key)' (line \($0.value))" }.joined(separator: ", ")
            let known = decoding.labelMap.names.map { "'\($0)'" }.joined(separator: ", ")
            // Only a test file can have labels outside the map built from the training file.
            precondition(isTestFile, "training labels always belong to their own map")
            throw DatasetError.format("\(table.source): label\(unknownLabels.count == 1 ? "" : "s") \(listed) never occur in the training data, whose labels are \(known)")
        }
        return examples
    }

    private static func textValue(_ row: RawTable.Row, _ column: Int, table: RawTable, role: String) throws -> String {
        switch row.fields[column] {
        case .text(let text): return text
        case .missing:
            throw DatasetError.format("\(table.source), line \(row.line): no value in \(role) column '\(table.header[column])'")
        case .list:
            throw DatasetError.format("\(table.source), line \(row.line): \(role) column '\(table.header[column])' holds a list, not a text")
        case .unsupported(let kind):
            throw DatasetError.format("\(table.source), line \(row.line): \(role) column '\(table.header[column])' holds \(kind), not a text")
        }
    }
}
