import Foundation
import TextDatasets

/// CSV, TSV and JSON Lines files. The input is the whole file. It is parsed as `load(dataset:)`
/// parses it, and a table that parses is then loaded as a dataset from a file (columns `text`
/// and `label`, a validation split), which runs label decoding and the split as well.
enum DatasetFuzzing {
    enum Format { case csv, jsonl }

    static func run(_ input: [UInt8], format: Format) -> FuzzTarget.Outcome {
        switch format {
        case .csv:
            // Both dialects read every input; the outcome is that of the one a user would pick
            // for it (TSV when the first line holds a tab), as the file's extension picks it.
            let csv = parseAndLoad(input, name: "data.csv") {
                try DelimitedTextParser.parse(input, dialect: .csv, source: "data.csv")
            }
            let tsv = parseAndLoad(input, name: "data.tsv") {
                try DelimitedTextParser.parse(input, dialect: .tsv, source: "data.tsv")
            }
            let firstLine = input.prefix { $0 != UInt8(ascii: "\n") }
            return firstLine.contains(UInt8(ascii: "\t")) ? tsv : csv
        case .jsonl:
            return parseAndLoad(input, name: "data.jsonl") { try JSONLinesParser.parse(input, source: "data.jsonl") }
        }
    }

    static func parseAndLoad(_ input: [UInt8], name: String, parse: () throws -> RawTable) -> FuzzTarget.Outcome {
        var table: RawTable?
        let parsed = outcome(expecting: DatasetError.self) { table = try parse() }
        guard let table else { return parsed }
        for row in table.rows {
            precondition(row.fields.count == table.header.count,
                         "line \(row.line) has \(row.fields.count) fields under a \(table.header.count)-column header")
        }
        // Loading may still refuse the table (no `text` column, one label only): a thrown error.
        let url = ScratchFile.write(input, name: name)
        _ = outcome(expecting: DatasetError.self) {
            let dataset = try TextDataset.load(dataset: url.path, validation: 0.25)
            precondition(dataset.train.count + dataset.validation.count <= table.rows.count,
                         "\(dataset.train.count) + \(dataset.validation.count) examples from \(table.rows.count) rows")
        }
        return parsed
    }
}
