import Bert
import Display
import Foundation
import TextDatasets
#if canImport(Glibc)
import Glibc
#endif

/// `predict(file:text:pair:to:...)`: the typed API behind the command.
extension Session {
    /// What to do with a row that cannot be read.
    public enum UnreadableRows: String, CaseIterable, Sendable {
        /// Stop with a `FormatError` naming the line; nothing is written.
        case stop
        /// Leave the row out of the output and list its line in the result.
        case skip
    }

    /// Scores every row of a CSV, TSV or JSON Lines file with the model and writes a copy with
    /// the predictions added, streaming: the file is read a chunk at a time and written as it
    /// goes, `batch` rows per forward pass, so memory does not grow with the file.
    ///
    ///     let report = try session.predict(file: "new.csv", text: "review", to: "scored.csv")
    ///     report.counts          // rows per predicted label, by label id
    ///
    /// The output (its format from `to`'s extension) keeps every input column and adds
    /// `predicted` (the label; for multi-label models the labels whose sigmoid is at or above
    /// `threshold`, one value or one per label; for regression the value), then `p(<label>)`
    /// and `logit(<label>)` per label (not for regression). It is written to a temporary file
    /// beside `to` and renamed at the end, so a failure or an interrupt never leaves half a file.
    ///
    /// Errors: an unreadable row (wrong field count, bad quoting or JSON, invalid UTF-8, no text)
    /// stops with its line unless `onError` is `.skip`; a missing input, an output folder that
    /// does not exist, an output equal to the input, an unknown text column, an empty file, a
    /// model without a classifier. The session's model and dataset are never changed.
    public func predict(file: String, text: String = "text", pair: String? = nil, to destination: String,
                        maxLength: Int? = nil, batch: Int = 32, threshold: [Double]? = nil,
                        onError: UnreadableRows = .stop, windows: TextWindows? = nil,
                        output: OutputSink? = nil) throws -> FilePredictionReport {
        let maxLength = defaultMaxLength(maxLength)
        let model = try requireModel()
        try checkMaxLength(maxLength, for: model)
        try checkWindows(windows, for: model)
        guard model.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        guard (1...4096).contains(batch) else {
            throw SessionError(.argument, "batch must be between 1 and 4096 rows, got \(batch)", argument: "batch")
        }
        let task = model.config.resolvedProblemType
        let names = model.labelNames
        let thresholds = try Self.thresholds(threshold, task: task, labelNames: names)
        let paths = try Self.checkPaths(input: file, output: destination)

        let reader = try TableStreamReader(path: file)
        let textColumn = try Self.column(text, in: reader, role: "text", argument: "text")
        let pairColumn = try pair.map { try Self.column($0, in: reader, role: "pair", argument: "pair") }
        let added = task == .regression ? ["predicted"] : ["predicted"] + names.map { "p(\($0))" } + names.map { "logit(\($0))" }
        if let clash = added.first(where: reader.header.contains) {
            throw SessionError(.argument, "\(file) already has a column '\(clash)', which predict(file:) adds; rename it "
                               + "(or score the original file)", argument: "file")
        }
        let inputColumns = reader.header
        let outputFormat = paths.format
        let total = try TableStreamReader(path: file).countRemainingRows(check: { try self.checkInterrupt() })

        let temporary = paths.output.deletingLastPathComponent()
            .appendingPathComponent(".\(paths.output.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        var committed = false
        defer { if !committed { try? FileManager.default.removeItem(at: temporary) } }
        let writer = try TableStreamWriter(path: temporary.path, format: outputFormat, columns: inputColumns + added)

        let name = URL(fileURLWithPath: file).lastPathComponent
        let progress = output.map { ProgressBar(output: $0, title: "predict \(name)", total: total, unit: "row") }
        let started = ProcessInfo.processInfo.systemUptime
        let predictor = Predictor(network: model.network, tokenizer: model.tokenizer)
        var counts = [Int](repeating: 0, count: names.count)
        var noLabel = 0
        var values = FilePredictionReport.ValueSummary()
        var written = 0
        var seen = 0
        var unreadable: [FilePredictionReport.UnreadableRow] = []
        var unreadableCount = 0

        func reject(_ line: Int, _ reason: String) throws {
            seen += 1
            switch onError {
            case .stop:
                throw SessionError(.format, "\(file), line \(line): \(reason); nothing was written (predict(file:, onError: \"skip\") "
                                   + "goes on past rows that cannot be read)", argument: "file")
            case .skip:
                unreadableCount += 1
                if unreadable.count < FilePredictionReport.listedUnreadable { unreadable.append(.init(line: line, reason: reason)) }
            }
        }

        // Rows are tokenized and sorted by length a block at a time, so that each batch pads
        // little, as a whole-list predict does: 16 batches (512 rows at batch 32) pad about as
        // little as sorting the whole file on SST-2, and hold only a few hundred KB.
        let blockSize = batch * 16
        var block: [TableStreamReader.Row] = []
        var texts: [String] = []
        var pairs: [String?] = []
        block.reserveCapacity(blockSize)
        var finished = false
        while !finished {
            try checkInterrupt()
            block.removeAll(keepingCapacity: true)
            texts.removeAll(keepingCapacity: true)
            pairs.removeAll(keepingCapacity: true)
            while block.count < blockSize {
                guard let item = try reader.next() else { finished = true; break }
                switch item {
                case .unreadable(let line, let reason):
                    try reject(line, reason)
                case .row(let row):
                    guard let value = row.cell(textColumn).scalarText else {
                        try reject(row.line, "no text in column '\(text)' (\(Self.describe(row.cell(textColumn))))")
                        continue
                    }
                    var second: String?
                    if let pairColumn, let pair {
                        guard let pairValue = row.cell(pairColumn).scalarText else {
                            try reject(row.line, "no text in pair column '\(pair)' (\(Self.describe(row.cell(pairColumn))))")
                            continue
                        }
                        second = pairValue
                    }
                    if outputFormat != .jsonl, row.cells.count > inputColumns.count,
                       let extra = row.cells.indices.dropFirst(inputColumns.count).first(where: { row.cells[$0] != .missing }) {
                        try reject(row.line, "key '\(reader.header[extra])' is not among the keys of the first line, which are the "
                                   + "output's columns; write JSON Lines (to: \"….jsonl\") to keep every key")
                        continue
                    }
                    block.append(row)
                    texts.append(value)
                    pairs.append(second)
                }
            }
            guard !block.isEmpty else { continue }
            var batchesDone = 0
            let logits = try predictor.textLogits(texts, pairs: pairs, maxLength: maxLength, windows: windows, batchSize: batch,
                                                  describe: { "\(file), line \(block[$0].line)" }, checkInterrupt: {
                try self.checkInterrupt()
                progress?.update(seen + min(block.count, batchesDone * batch))
                batchesDone += 1
            }).logits
            if logits.contains(where: { $0.contains { !$0.isFinite } }) {
                throw SessionError(.numeric, "the model produced non-finite logits; its weights may be corrupt")
            }
            for (row, rowLogits) in zip(block, logits) {
                var cells = row.cells
                if cells.count < reader.header.count {
                    cells += [TableCell](repeating: .missing, count: reader.header.count - cells.count)
                }
                let keys: [String]
                if outputFormat == .jsonl {
                    keys = reader.header + added
                } else {
                    cells = Array(cells.prefix(inputColumns.count))
                    keys = inputColumns + added
                }
                switch task {
                case .singleLabel:
                    let probabilities = Predictor.softmax(rowLogits)
                    let id = Predictor.argmax(rowLogits)
                    counts[id] += 1
                    cells.append(.text(names[id]))
                    cells += probabilities.map { .number(Self.number($0)) } + rowLogits.map { .number(Self.number($0)) }
                case .multiLabel:
                    let probabilities = Predictor.sigmoid(rowLogits)
                    let ids = probabilities.indices.filter { Double(probabilities[$0]) >= thresholds[$0] }
                    for id in ids { counts[id] += 1 }
                    if ids.isEmpty { noLabel += 1 }
                    cells.append(.list(ids.map { names[$0] }))
                    cells += probabilities.map { .number(Self.number($0)) } + rowLogits.map { .number(Self.number($0)) }
                case .regression:
                    values.add(Double(rowLogits[0]))
                    cells.append(.number(Self.number(rowLogits[0])))
                }
                if outputFormat == .jsonl { try writer.write(cells, keys: keys) } else { try writer.write(cells) }
            }
            written += block.count
            seen += block.count
            progress?.update(seen)
        }
        guard written > 0 else {
            throw SessionError(.format, unreadableCount > 0
                ? "\(file): none of its \(unreadableCount) rows could be read (line \(unreadable[0].line): \(unreadable[0].reason))"
                : "\(file) has a header but no data rows", argument: "file")
        }
        try writer.close()
        guard rename(temporary.path, paths.output.path) == 0 else {
            throw SessionError(.file, "could not move the scored file into place at \(destination): \(String(cString: strerror(errno)))",
                               argument: "to")
        }
        committed = true
        let seconds = ProcessInfo.processInfo.systemUptime - started
        progress?.finish(seen)
        return FilePredictionReport(input: file, output: destination, task: task, labelNames: names, thresholds: thresholds,
                                    rows: written, counts: counts, noLabel: noLabel, values: values,
                                    unreadable: unreadable, unreadableCount: unreadableCount, addedColumns: added,
                                    seconds: seconds)
    }

    /// One threshold per label (multi-label only); a single value applies to every label.
    static func thresholds(_ given: [Double]?, task: TaskKind, labelNames: [String]) throws -> [Double] {
        guard let given else { return [Double](repeating: EvaluationReport.threshold, count: labelNames.count) }
        guard task == .multiLabel else {
            throw SessionError(.argument, "threshold applies to multi-label models; this one is \(task.rawValue)", argument: "threshold")
        }
        guard given.count == 1 || given.count == labelNames.count else {
            throw SessionError(.argument, "threshold takes one value or one per label (\(labelNames.count): "
                               + "\(labelNames.joined(separator: ", "))), got \(given.count)", argument: "threshold")
        }
        if let bad = given.first(where: { !($0.isFinite && $0 >= 0 && $0 <= 1) }) {
            throw SessionError(.argument, "a threshold is a probability in [0, 1], got \(Value.format(bad))", argument: "threshold")
        }
        return given.count == 1 ? [Double](repeating: given[0], count: labelNames.count) : given
    }

    /// Checks the input and output paths before anything is read or written.
    static func checkPaths(input: String, output: String) throws -> (output: URL, format: TextDataset.FileFormat) {
        guard !output.isEmpty else { throw SessionError(.argument, "the output file name is empty", argument: "to") }
        let fm = FileManager.default
        let outputURL = URL(fileURLWithPath: (output as NSString).expandingTildeInPath).standardizedFileURL
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: outputURL.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SessionError(.file, "\(output) is a folder; name the file to write, e.g. \(output)/scored.csv", argument: "to")
        }
        let folder = outputURL.deletingLastPathComponent()
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SessionError(.file, "no such folder: \(folder.path) (for the output \(output)); predict(file:) does not create folders",
                               argument: "to")
        }
        guard let format = try? TextDataset.FileFormat(path: output) else {
            throw SessionError(.argument, "cannot tell the output format of \(output): name it .csv, .tsv or .jsonl", argument: "to")
        }
        let inputURL = URL(fileURLWithPath: (input as NSString).expandingTildeInPath).standardizedFileURL
        let sameFile: Bool
        if let a = try? fm.attributesOfItem(atPath: inputURL.path), let b = try? fm.attributesOfItem(atPath: outputURL.path) {
            sameFile = (a[.systemFileNumber] as? NSNumber) == (b[.systemFileNumber] as? NSNumber)
                && (a[.deviceIdentifier] as? NSNumber) == (b[.deviceIdentifier] as? NSNumber)
        } else {
            sameFile = inputURL.resolvingSymlinksInPath().path
                == folder.resolvingSymlinksInPath().appendingPathComponent(outputURL.lastPathComponent).path
        }
        if sameFile {
            throw SessionError(.argument, "the output \(output) is the input file; write the scores to another file", argument: "to")
        }
        return (outputURL, format)
    }

    /// The index of column `name` of a streamed file, or an `ArgumentError` listing the columns.
    static func column(_ name: String, in reader: TableStreamReader, role: String, argument: String) throws -> Int {
        if let index = reader.header.firstIndex(of: name) { return index }
        var message = "\(reader.path): no \(role) column '\(name)'; the "
            + (reader.format == .jsonl ? "keys of the first line" : "columns") + " are "
            + reader.header.map { "'\($0)'" }.joined(separator: ", ")
        if let nearMiss = reader.header.first(where: { $0.lowercased() == name.lowercased() }) {
            message += " (did you mean '\(nearMiss)'?)"
        }
        throw SessionError(.argument, message, argument: argument)
    }

    private static func describe(_ cell: TableCell) -> String {
        switch cell {
        case .missing: return "the key is absent"
        case .json(let raw) where raw == "null": return "null"
        case .json(let raw): return raw.hasPrefix("{") ? "an object" : "an array"
        case .list: return "a list"
        case .text, .number: return "a text"
        }
    }

    /// Float's shortest round-trip text (`0.7310586`, `-1.25e-05`), valid in JSON and CSV.
    static func number(_ value: Float) -> String { "\(value)" }
}
