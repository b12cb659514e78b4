import Bert
import Display
import Foundation
import Numerics
import XCTest
@testable import CellLanguage
@testable import TextDatasets

/// `predict(file:...)` on the tiny model: the output keeps the input's columns and adds what
/// `predict` gives for the same texts; unreadable rows stop (nothing written) or are skipped;
/// bad arguments are clear errors that keep the session; memory stays flat on a large file.
final class FilePredictionTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private let sink = RecordingSink()

    override func setUpWithError() throws { workspace = try TinySentimentWorkspace(self, heads: .sequenceClassification, labels: ["negative", "positive"]) }

    @discardableResult
    private func run(_ engine: Engine, _ code: String, file: StaticString = #filePath, line: UInt = #line) -> CellOutcome {
        engine.run(code, output: sink, file: file, line: line)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func readTable(_ path: String) throws -> RawTable {
        try TextDataset.readTable(path, rowLimit: nil)
    }

    private func text(_ cell: RawTable.Cell) -> String? { if case .text(let t) = cell { t } else { nil } }

    /// Files in the test directory that are not the model, inputs or outputs: leftovers.
    private func partialFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".partial-") }
    }

    func testACSVIsScoredWithEveryInputColumnKeptAndThePredictionsOfPredict() throws {
        let rows = (0..<70).map { i -> String in
            let subject = TinyModelFixture.subjects[i % 6]
            let word = i % 2 == 0 ? TinyModelFixture.positive[i % 5] : TinyModelFixture.negative[i % 5]
            return "\(i),\"\(subject), \"\"really\"\" \(word)\",x\(i)"
        }
        let input = try TinyModelFixture.writeFile((["id,review,note"] + rows).joined(separator: "\n") + "\n", named: "new.csv", in: directory).path
        let engine = Engine()
        _ = run(engine, "load(model: \"\(modelDirectory.path)\")")
        let outcome = run(engine, "predict(file: \"\(input)\", text: \"review\", to: \"\(path("scored.csv"))\", batch: 2)")
        // The machine-readable part of the result, whatever its MIME type is called.
        let json = try XCTUnwrap(outcome.value?.data.values.first { $0.objectValue != nil })

        let table = try readTable(path("scored.csv"))
        XCTAssertEqual(table.header, ["id", "review", "note", "predicted", "p(negative)", "p(positive)",
                                      "logit(negative)", "logit(positive)"])
        let original = try readTable(input)
        XCTAssertEqual(table.rows.count, 70)
        XCTAssertEqual(table.rows.map { Array($0.fields.prefix(3)) }, original.rows.map(\.fields), "input columns unchanged, in order")

        let texts = original.rows.map { text($0.fields[1])! }
        let expected = try engine.session.predict(texts)
        for (row, item) in zip(table.rows, expected.items) {
            XCTAssertEqual(text(row.fields[3]), item.label)
            let numbers = row.fields[4...].map { Float(text($0)!)! }
            for (a, b) in zip(numbers, item.probabilities + item.logits) {
                XCTAssertEqual(a, b, accuracy: 1e-5, "the same numbers as predict, within float rounding across batch paddings")
            }
        }
        XCTAssertEqual(json["rows"], 70)
        for name in ["negative", "positive"] {
            XCTAssertEqual(json["counts"]?[name]?.intValue, expected.items.filter { $0.label == name }.count, "rows predicted \(name)")
        }
        XCTAssertTrue(outcome.value?.plainText?.contains("scored 70 rows of") ?? false, outcome.value?.plainText ?? "")
        XCTAssertNotNil(outcome.value?.data["text/html"])
        XCTAssertEqual(try partialFiles(), [])

        // One progress display, updated in place, ending at 70/70 with rows/s.
        let displays = sink.events.compactMap { if case .display(let b, let id?) = $0, b.plainText?.hasPrefix("predict new.csv") == true { id } else { nil } }
        XCTAssertEqual(displays.count, 1)
        let last = sink.events.compactMap { if case .update(let b, displays.first) = $0 { b.plainText } else { nil } }.last
        XCTAssertTrue(last?.contains("70/70") ?? false, last ?? "no update")
        XCTAssertTrue(last?.contains("rows/s") ?? false, last ?? "")
    }

    func testJSONLinesPairsMultiLabelThresholdsAndRegression() throws {
        let session = Session()
        try session.load(model: modelDirectory.path, labels: 3)
        let tags = try TinyModelFixture.writeFile(TinyModelFixture.multiLabelJSONL(), named: "tags.jsonl", in: directory).path
        try session.load(dataset: tags)
        XCTAssertEqual(session.model?.config.resolvedProblemType, .multiLabel)
        let lines = [
            "{\"id\": 1, \"first\": \"the plot was very good .\", \"second\": \"the music is really bad !\", \"meta\": {\"k\": [1, 2]}}",
            "{\"second\": \"a film\", \"first\": \"the story\", \"extra\": null}",
        ]
        let input = try TinyModelFixture.writeFile(lines.joined(separator: "\n") + "\n", named: "pairs.jsonl", in: directory).path
        let thresholds = [0.5, 0.2, 0.9]
        let report = try session.predict(file: input, text: "first", pair: "second", to: path("pairs-scored.jsonl"),
                                         threshold: thresholds)
        XCTAssertEqual(report.rows, 2)
        let out = try JSONLinesParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path("pairs-scored.jsonl")))), source: "out")
        XCTAssertEqual(Array(out.header.prefix(5)), ["id", "first", "second", "meta", "predicted"])
        XCTAssertTrue(out.header.contains("extra"), "keys of later lines are kept")
        let raw = try String(contentsOfFile: path("pairs-scored.jsonl"), encoding: .utf8)
        XCTAssertTrue(raw.contains("\"meta\": {\"k\": [1, 2]}"), "nested values are written back as they were: \(raw)")
        XCTAssertTrue(raw.contains("\"extra\": null"), raw)
        let model = try XCTUnwrap(session.model)
        for (row, pair) in zip(out.rows, [("the plot was very good .", "the music is really bad !"), ("the story", "a film")]) {
            let inference = try model.infer(pair.0, pair: pair.1, maxLength: 128)
            let probabilities = try XCTUnwrap(inference.probabilities)
            let column = { (name: String) in out.header.firstIndex(of: name)! }
            for (id, name) in model.labelNames.enumerated() {
                guard case .text(let p) = row.fields[column("p(\(name))")] else { return XCTFail("no p(\(name))") }
                XCTAssertEqual(Float(p)!, probabilities[id], accuracy: 1e-5)
            }
            let predicted = model.labelNames.indices.filter { Double(probabilities[$0]) >= thresholds[$0] }.map { model.labelNames[$0] }
            XCTAssertEqual(row.fields[column("predicted")], .list(predicted), "labels at or above their own threshold")
        }
        XCTAssertEqual(report.json["thresholds"], JSON(thresholds))
        XCTAssertThrowsError(try session.predict(file: input, text: "first", to: path("x.jsonl"), threshold: [0.5, 0.5])) {
            XCTAssertEqual(($0 as? SessionError)?.kind, .argument)
        }

        // Regression: one added column, the value.
        let scores = try TinyModelFixture.writeFile(TinyModelFixture.regressionCSV(count: 12), named: "scores.csv", in: directory).path
        let regression = Session()
        try regression.load(model: modelDirectory.path, labels: 1)
        try regression.load(dataset: scores, label: "score")
        let valueReport = try regression.predict(file: scores, to: path("scores-out.tsv"))
        let tsv = try readTable(path("scores-out.tsv"))
        XCTAssertEqual(tsv.header, ["text", "score", "predicted"])
        let first = try regression.requireModel().infer(text(tsv.rows[0].fields[0])!, maxLength: 128)
        XCTAssertEqual(Float(text(tsv.rows[0].fields[2])!)!, try XCTUnwrap(first.logits?[0]), accuracy: 1e-5)
        XCTAssertEqual(valueReport.values.count, 12)
        XCTAssertNotNil(valueReport.json["values"]?["mean"]?.doubleValue)
    }

    func testAnUnreadableRowStopsWithItsLineAndLeavesTheOldOutputOrSkipListsIt() throws {
        let session = Session()
        try session.load(model: modelDirectory.path)
        let input = try TinyModelFixture.writeFile("text,label\nthe film was good .,1\nbad,row,here\nthe plot is dull !,0\n",
                                                   named: "bad.csv", in: directory).path
        let output = path("out.csv")
        try "previous results\n".write(toFile: output, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try session.predict(file: input, to: output)) { error in
            let error = error as? SessionError
            XCTAssertEqual(error?.kind, .format)
            XCTAssertTrue(error?.message.contains("line 3") ?? false, error?.message ?? "")
            XCTAssertTrue(error?.message.contains("onError: \"skip\"") ?? false, error?.message ?? "")
        }
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "previous results\n", "the old output is untouched")
        XCTAssertEqual(try partialFiles(), [], "no temporary file is left behind")

        let report = try session.predict(file: input, to: output, onError: .skip)
        XCTAssertEqual(report.rows, 2)
        XCTAssertEqual(report.unreadableCount, 1)
        XCTAssertEqual(report.unreadable.map(\.line), [3])
        XCTAssertTrue(report.headline.contains("skipped 1 unreadable row: line 3"), report.headline)
        XCTAssertEqual(try readTable(output).rows.map(\.line), [2, 3], "the two good rows, in order")

        // Interrupted: nothing written, no leftovers.
        session.interrupt()
        XCTAssertThrowsError(try session.predict(file: input, to: path("interrupted.csv"), onError: .skip)) {
            XCTAssertEqual(($0 as? SessionError)?.kind, .interrupt)
        }
        session.clearInterrupt()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("interrupted.csv")))
        XCTAssertEqual(try partialFiles(), [])
    }

    func testBadArgumentsAreClearErrorsAndTheSessionKeepsItsModelAndDataset() throws {
        let engine = Engine()
        let data = dataPath
        _ = run(engine, "load(model: \"\(modelDirectory.path)\")")
        _ = run(engine, "load(dataset: \"\(data)\")")
        let model = try XCTUnwrap(engine.session.model)
        let dataset = try XCTUnwrap(engine.session.dataset?.dataset)
        let empty = try TinyModelFixture.writeFile("", named: "empty.csv", in: directory).path
        let headerOnly = try TinyModelFixture.writeFile("text,label\n", named: "header.csv", in: directory).path
        let cases: [(String, String, String)] = [
            ("predict(file: \"\(data)\", to: \"\(path("no/such/dir/out.csv"))\")", "FileError", "no such folder"),
            ("predict(file: \"\(data)\", to: \"\(data)\")", "ArgumentError", "is the input file"),
            ("predict(file: \"\(data)\", to: \"\(directory.path)/./reviews.csv\")", "ArgumentError", "is the input file"),
            ("predict(file: \"\(data)\", text: \"review\", to: \"\(path("o.csv"))\")", "ArgumentError", "no text column 'review'"),
            ("predict(file: \"\(data)\", text: \"Text\", to: \"\(path("o.csv"))\")", "ArgumentError", "did you mean 'text'"),
            ("predict(file: \"\(empty)\", to: \"\(path("o.csv"))\")", "FormatError", "is empty"),
            ("predict(file: \"\(headerOnly)\", to: \"\(path("o.csv"))\")", "FormatError", "no data rows"),
            ("predict(file: \"\(path("missing.csv"))\", to: \"\(path("o.csv"))\")", "FileError", "no such file"),
            ("predict(file: \"\(data)\", to: \"\(path("o.txt"))\")", "ArgumentError", "output format"),
            ("predict(file: \"\(data)\", to: \"\(directory.path)\")", "FileError", "is a folder"),
            ("predict(file: \"\(data)\", to: \"\(path("o.csv"))\", threshold: 0.3)", "ArgumentError", "multi-label"),
            ("predict(file: \"\(data)\", to: \"\(path("o.csv"))\", onError: \"ignore\")", "ArgumentError", "\"skip\""),
        ]
        for (code, ename, fragment) in cases {
            let error = engine.execute(code, output: sink).error
            XCTAssertEqual(error?.ename, ename, code)
            XCTAssertTrue(error?.evalue.contains(fragment) ?? false, "\(code): \(error?.evalue ?? "no error")")
            XCTAssertTrue(engine.session.model === model, "the model is kept after \(code)")
            XCTAssertEqual(engine.session.dataset?.dataset.train, dataset.train, "the dataset is kept after \(code)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("o.csv")))
        XCTAssertEqual(try partialFiles(), [])
    }

    /// Peak resident memory while scoring a 200,000-row file stays far below the file's size.
    ///
    /// Measured in this process: `/proc/self/clear_refs` (5) resets the peak (VmHWM), then the
    /// peak after `predict(file:)` minus the resident size before it is the growth (a thread
    /// sampling VmRSS every 2 ms stands in where the reset is refused). A reader that held the
    /// file would grow by at least its size (about 11 MB) plus a String and an array per row;
    /// the streaming one holds a 1 MB chunk, 16 batches of rows and a 1 MB write buffer. Measured:
    /// 3 to 4 MB of growth. The bound, 6 MB, leaves room for malloc's slack and is about half of
    /// what holding the file alone would take. One layer of width 4 and one-word texts keep the
    /// forward passes cheap in a debug build (most of the time goes to parsing and writing).
    func testStreamingMemoryStaysFlatOnA200000RowFile() throws {
        let count = 200_000
        let input = directory.appendingPathComponent("big.csv")
        XCTAssertTrue(FileManager.default.createFile(atPath: input.path, contents: nil))
        let handle = try FileHandle(forWritingTo: input)
        var chunk = "id,text,note\n"
        for i in 0..<count {
            let word = i % 2 == 0 ? TinyModelFixture.positive[i % 5] : TinyModelFixture.negative[i % 5]
            chunk += "\(i),\(word),\(TinyModelFixture.subjects[i % 6]) was very \(word) and so on and so forth\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
        try handle.close()
        let fileSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: input.path)[.size] as? NSNumber).intValue

        let session = Session()
        try session.load(model: try Self.writeNarrowModel(to: directory.appendingPathComponent("narrow")).path)
        // Warm up the network's arena and the allocator on a few rows, so that they are not counted.
        let small = try TinyModelFixture.writeFile("text\nthe film was good .\n", named: "small.csv", in: directory).path
        _ = try session.predict(file: small, to: path("small-out.csv"), maxLength: 16, batch: 64)

        let before = try XCTUnwrap(MemoryProbe.residentKilobytes())
        let resetWorked = MemoryProbe.resetPeak()
        let sampler = MemoryProbe.Sampler()
        let report = try session.predict(file: input.path, to: path("big-out.csv"), maxLength: 16, batch: 64)
        let sampled = sampler.stop()
        let peak = resetWorked ? max(try XCTUnwrap(MemoryProbe.peakKilobytes()), sampled) : sampled
        let growth = peak - before
        XCTAssertEqual(report.rows, count)
        let boundKB = 6 * 1024
        print("predict(file:) on \(count) rows (\(fileSize / 1024) KB): RSS before \(before) KB, peak \(peak) KB, growth \(growth) KB "
              + "(peak from \(resetWorked ? "VmHWM after clear_refs" : "sampling")), \(Int(report.rowsPerSecond)) rows/s")
        XCTAssertGreaterThan(fileSize, 10 << 20, "the file is large enough that holding it would exceed the bound")
        XCTAssertLessThan(growth, boundKB, "peak RSS growth \(growth) KB while streaming a \(fileSize / 1024) KB file")
        let outSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path("big-out.csv"))[.size] as? NSNumber).intValue
        XCTAssertGreaterThan(outSize, fileSize, "every row was written with its scores")
    }

    /// A one-layer BERT of width 4 with a two-label classifier and the tiny vocabulary.
    static func writeNarrowModel(to directory: URL) throws -> URL {
        var config = BertConfig(vocabSize: TinyModelFixture.vocabulary.count, hiddenSize: 4, numHiddenLayers: 1, numAttentionHeads: 1,
                                intermediateSize: 4, maxPositionEmbeddings: 16)
        config.setLabels(["negative", "positive"])
        let network = try BertNetwork(config: config, heads: .sequenceClassification)
        var generator = SeededGenerator(seed: 7)
        network.initializeAll(using: &generator)
        try BertCheckpoint.save(network, to: directory, extraFiles: [
            "vocab.txt": Data((TinyModelFixture.vocabulary.joined(separator: "\n") + "\n").utf8),
            "tokenizer_config.json": Data("{\"do_lower_case\": true}".utf8),
        ])
        return directory
    }
}

/// Resident memory of this process, from /proc (Linux).
enum MemoryProbe {
    private static func status(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    static func residentKilobytes() -> Int? { status("VmRSS") }
    static func peakKilobytes() -> Int? { status("VmHWM") }

    /// Resets VmHWM to the current RSS; true when that took effect.
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        guard (try? handle.write(contentsOf: Data("5".utf8))) != nil else { return false }
        guard let peak = peakKilobytes(), let now = residentKilobytes() else { return false }
        return peak <= now + 512
    }

    /// Polls VmRSS every 2 ms on a thread, for when the peak cannot be reset.
    final class Sampler {
        private let lock = NSLock()
        private var maximum = 0
        private var running = true
        private let done = DispatchSemaphore(value: 0)

        init() {
            maximum = MemoryProbe.residentKilobytes() ?? 0
            Thread.detachNewThread { [self] in
                while lock.withLock({ running }) {
                    if let now = MemoryProbe.residentKilobytes() { lock.withLock { maximum = Swift.max(maximum, now) } }
                    usleep(2000)
                }
                done.signal()
            }
        }

        func stop() -> Int {
            lock.withLock { running = false }
            done.wait()
            return lock.withLock { maximum }
        }
    }
}
