import Bert
import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

/// Issue 13 through the cell language: a save that would delete someone's files, files that
/// crashed or hung the kernel, and messages nobody could act on. Each case is a clear error from
/// the fixed set, and after each one the session still holds its model, dataset, optimizer and
/// history, untouched.
final class SessionFileFailureTests: XCTestCase {
    private var directory: URL!
    private var modelDirectory: URL!
    private var engine: Engine!
    private let sink = RecordingSink()
    private let fm = FileManager.default

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("bert-session")
        modelDirectory = try TinyModelFixture.write(to: directory.appendingPathComponent("tiny"))
        let data = try TinyModelFixture.writeFile(TinyModelFixture.sentimentCSV(), named: "reviews.csv", in: directory)
        engine = Engine()
        for cell in ["load(model: \"\(modelDirectory.path)\", labels: 2)",
                     "load(dataset: \"\(data.path)\", validation: 0.25)", "train(epochs: 1, lr: 1e-3, batch: 8)"] {
            XCTAssertNil(engine.execute(cell, output: sink).error, cell)
        }
    }

    /// What the session holds, to compare before and after a failing cell.
    private struct Snapshot: Equatable {
        let network: ObjectIdentifier
        let weights: [Float]
        let examples: Int
        let step: Int?
        let history: Int
    }

    private func snapshot() throws -> Snapshot {
        let session = engine.session
        let model = try XCTUnwrap(session.model)
        return Snapshot(network: ObjectIdentifier(model.network), weights: model.network.parameters.array,
                        examples: try XCTUnwrap(session.dataset?.dataset.train.count), step: session.optimizer?.step.step,
                        history: session.history.steps.count)
    }

    /// Runs a cell that must fail with `ename` and an evalue holding every fragment, and checks
    /// that the session is as it was.
    private func assertFails(_ code: String, _ ename: String, _ fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try snapshot()
        XCTAssertNotNil(before.step, "the setup trained", file: file, line: line)
        let error = engine.execute(code, output: sink).error
        XCTAssertEqual(error?.ename, ename, error?.evalue ?? "no error", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(error?.evalue.contains(fragment) ?? false, "'\(error?.evalue ?? "")' lacks '\(fragment)'",
                          file: file, line: line)
        }
        XCTAssertFalse(error?.evalue.contains("NSCocoaErrorDomain") ?? false, file: file, line: line)
        XCTAssertEqual(try snapshot(), before, "the session keeps its model, dataset, optimizer and history",
                       file: file, line: line)
    }

    /// A copy of the tiny model whose config.json has `"key": value` replaced by `replacement`.
    private func model(_ key: String, _ replacement: String) throws -> URL {
        let copy = directory.appendingPathComponent("bad-\(key)-\(UUID().uuidString.prefix(4))")
        try fm.copyItem(at: modelDirectory, to: copy)
        let url = copy.appendingPathComponent("config.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "\"\(key)\"\\s*:\\s*[^,\\n}]+")
        let range = NSRange(text.startIndex..., in: text)
        XCTAssertEqual(pattern.numberOfMatches(in: text, range: range), 1, key)
        let edited = pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "\"\(key)\": \(replacement)")
        try Data(edited.utf8).write(to: url)
        return copy
    }

    func testASaveThatWouldDeleteSomeoneElsesFilesIsRefused() throws {
        let important = directory.appendingPathComponent("important")
        try fm.createDirectory(at: important, withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: important.appendingPathComponent("notes.txt"))
        try Data("a,b\n".utf8).write(to: important.appendingPathComponent("data.csv"))
        try assertFails("save(to: \"\(important.path)\")", "FileError",
                        ["already holds data.csv, notes.txt", "Nothing was changed", "important-model"])
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: important.path).sorted(), ["data.csv", "notes.txt"])

        // save(to: ".") from a notebook's folder: the notebook and its data stay.
        let notebook = directory.appendingPathComponent("notebook")
        try fm.createDirectory(at: notebook, withIntermediateDirectories: false)
        try Data("{}".utf8).write(to: notebook.appendingPathComponent("analysis.ipynb"))
        let previous = fm.currentDirectoryPath
        XCTAssertTrue(fm.changeCurrentDirectoryPath(notebook.path))
        defer { fm.changeCurrentDirectoryPath(previous) }
        try assertFails("save(to: \".\")", "FileError", ["working directory", "saved-model"])
        try assertFails("save(to: \"..\")", "FileError", ["holds the working directory"])
        try assertFails("save(to: \"~\")", "FileError", ["save never replaces it"])
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: notebook.path), ["analysis.ipynb"])

        // A new name works, and saving to it again replaces the earlier save.
        XCTAssertNil(engine.execute("save(to: \"models/run1\"); save(to: \"models/run1\")", output: sink).error)
        XCTAssertTrue(fm.fileExists(atPath: notebook.appendingPathComponent("models/run1/model.safetensors").path))
    }

    func testSaveFailuresAreSentences() throws {
        try assertFails("save(to: \"/proc/x\")", "FileError", ["/proc does not accept new folders"])
        let plain = try TinyModelFixture.writeFile("keep", named: "plain.txt", in: directory)
        try assertFails("save(to: \"\(plain.path)/m\")", "FileError", ["plain.txt is a file, not a folder"])
    }

    func testFilesThatCrashedOrHungTheKernelAreClearErrors() throws {
        let deep = try TinyModelFixture.writeFile("{\"text\": \"a\", \"label\": " + String(repeating: "[", count: 400_000) + "}\n",
                                                  named: "deep.jsonl", in: directory)
        try assertFails("load(dataset: \"\(deep.path)\")", "FormatError", ["deep.jsonl, line 1", "nested more than 128 deep"])

        for (key, value, message) in [
            ("num_hidden_layers", "1e9", "num_hidden_layers 1000000000 is too large"),
            ("vocab_size", "1e12", "vocab_size 1000000000000 is too large"),
            ("intermediate_size", "1e12", "intermediate_size 1000000000000 is too large"),
            ("max_position_embeddings", "1e18", "\"max_position_embeddings\" is 1e18, far too large"),
            ("hidden_size", "1e30", "\"hidden_size\" is 1e30, far too large (at most 65536)"),
        ] {
            try assertFails("load(model: \"\(try model(key, value).path)\")", "FormatError", [message])
        }
        let oneHead = try model("num_attention_heads", "1")
        try Data(try String(contentsOf: oneHead.appendingPathComponent("config.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"hidden_size\" : 16", with: "\"hidden_size\" : 1073741824")
            .replacingOccurrences(of: "\"hidden_size\": 16", with: "\"hidden_size\": 1073741824").utf8)
            .write(to: oneHead.appendingPathComponent("config.json"))
        try assertFails("load(model: \"\(oneHead.path)\")", "FormatError", ["hidden_size 1073741824 is too large"])

        let fifo = directory.appendingPathComponent("fifo")
        try fm.copyItem(at: modelDirectory, to: fifo)
        try fm.removeItem(at: fifo.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(mkfifo(fifo.appendingPathComponent("model.safetensors").path, 0o644), 0)
        try assertFails("load(model: \"\(fifo.path)\")", "FileError", ["model.safetensors is a named pipe (FIFO)"])
    }

    func testConfigAndVocabularyMessagesSayWhatAndWhere() throws {
        try assertFails("load(model: \"\(try model("layer_norm_eps", "NaN").path)\")", "FormatError",
                        ["config.json: invalid JSON at line", "NaN is not a JSON number"])
        try assertFails("load(model: \"\(try model("hidden_size", "16 16").path)\")", "FormatError",
                        ["invalid JSON at line", "column", "expected ',' or '}'"])
        try assertFails("load(model: \"\(try model("hidden_size", "true").path)\")", "FormatError",
                        ["\"hidden_size\" must be an integer (got a boolean true)"])

        // A vocabulary without [CLS] (another token in its place): name the token, not vocab_size.
        let noCLS = directory.appendingPathComponent("no-cls")
        try fm.copyItem(at: modelDirectory, to: noCLS)
        let vocabulary = TinyModelFixture.vocabulary.map { $0 == "[CLS]" ? "[CLX]" : $0 }
        try Data((vocabulary.joined(separator: "\n") + "\n").utf8).write(to: noCLS.appendingPathComponent("vocab.txt"))
        try assertFails("load(model: \"\(noCLS.path)\")", "FormatError", ["has no [CLS] token", "tokenizer_config.json"])
    }

    func testTheSessionWorksOnAfterAllOfThem() throws {
        try assertFails("save(to: \"/proc/x\")", "FileError", [])
        try assertFails("load(model: \"\(try model("num_hidden_layers", "1e9").path)\")", "FormatError", [])
        let step = try XCTUnwrap(engine.session.optimizer?.step.step)
        XCTAssertNil(engine.execute("train(epochs: 1, lr: 1e-3, batch: 8)", output: sink).error)
        XCTAssertGreaterThan(try XCTUnwrap(engine.session.optimizer?.step.step), step, "training continues")
        XCTAssertNil(engine.execute("predict(\"the film was very good .\")", output: sink).error)
    }
}
