import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// config.json read with ExactJSON: errors say what and where, and sizes are checked (bounds,
/// overflow, the checkpoint's own shapes) before anything is allocated (issue 13, parts 3-4).
final class ConfigFileTests: XCTestCase {
    var scratch: URL!
    let fm = FileManager.default

    override func setUpWithError() throws {
        scratch = try makeTemporaryDirectory("bert-config")
    }

    var fixtureText: String {
        get throws { try String(contentsOf: BertFixtures.tinyClassifier.appendingPathComponent("config.json"), encoding: .utf8) }
    }

    /// The tiny classifier with config.json's `"key": value` replaced by `"key": replacement`.
    func variant(_ key: String, _ replacement: String) throws -> URL {
        let text = try fixtureText
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("\"\(key)\":") })
        let comma = line.hasSuffix(",") ? "," : ""
        return try variant(text: text.replacingOccurrences(of: String(line), with: "  \"\(key)\": \(replacement)\(comma)"))
    }

    func variant(text: String) throws -> URL {
        let directory = scratch.appendingPathComponent(UUID().uuidString)
        try fm.createDirectory(at: directory, withIntermediateDirectories: false)
        try Data(text.utf8).write(to: directory.appendingPathComponent("config.json"))
        try fm.copyItem(at: BertFixtures.tinyClassifier.appendingPathComponent("model.safetensors"),
                        to: directory.appendingPathComponent("model.safetensors"))
        return directory
    }

    /// Where `"key": ` puts its value in the fixture: (line, column), both 1-based.
    func position(ofValueOf key: String) throws -> (line: Int, column: Int) {
        let lines = try fixtureText.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try XCTUnwrap(lines.firstIndex { $0.contains("\"\(key)\":") })
        return (index + 1, lines[index].distance(from: lines[index].startIndex, to: lines[index].range(of: ": ")!.upperBound) + 1)
    }

    func assertLoadFails(_ kind: BertError.Kind, _ directory: URL, _ fragments: [String],
                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try BertCheckpoint.load(from: directory), file: file, line: line) { error in
            XCTAssertEqual((error as? BertError)?.kind, kind, "\(error)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue("\(error)".contains(fragment), "'\(error)' lacks '\(fragment)'", file: file, line: line)
            }
        }
    }

    func testPythonsNaNIsNamedWithItsLineAndColumn() throws {
        let (line, column) = try position(ofValueOf: "layer_norm_eps")
        assertLoadFails(.format, try variant("layer_norm_eps", "NaN"),
                        ["config.json: invalid JSON at line \(line), column \(column)", "NaN is not a JSON number",
                         "Python's json.dump"])
        assertLoadFails(.format, try variant("initializer_range", "-Infinity"), ["-Infinity is not a JSON number"])
    }

    func testSyntaxErrorsAndBadBytesSayWhatAndWhere() throws {
        let (line, column) = try position(ofValueOf: "hidden_size")
        // "32" followed by a second value without a comma: the parser stops at the second one.
        assertLoadFails(.format, try variant("hidden_size", "32 33"),
                        ["invalid JSON at line \(line), column \(column + 3)", "expected ',' or '}'"])
        // A Latin-1 byte where the value of hidden_size starts.
        let text = try fixtureText
        var bytes = Array(text.utf8)
        bytes[text.utf8.distance(from: text.startIndex, to: try XCTUnwrap(text.range(of: "\"hidden_size\": ")).upperBound)] = 0xFF
        let directory = try variant(text: "")
        try Data(bytes).write(to: directory.appendingPathComponent("config.json"))
        assertLoadFails(.format, directory, ["line \(line), column \(column)", "byte 0xFF, which is not UTF-8 text"])
        assertLoadFails(.format, try variant(text: "{\"vocab_size\": 120,\n}"),
                        ["line 2, column 1", "JSON allows no comma after the last member"])
        assertLoadFails(.format, try variant(text: "  \n"), ["config.json is empty"])
        assertLoadFails(.format, try variant(text: "[1, 2]"), ["holds an array, expected a JSON object"])
        // An invisible character is shown by code point, not as ''.
        assertLoadFails(.format, try variant("hidden_size", "\u{200B}32"), ["U+200B"])
    }

    func testTrueIsNotANumberAndIntegralFloatsAreIntegers() throws {
        assertLoadFails(.format, try variant("hidden_size", "true"), ["\"hidden_size\" must be an integer (got a boolean true)"])
        assertLoadFails(.format, try variant("num_hidden_layers", "2.5"), ["\"num_hidden_layers\" must be an integer (got 2.5)"])
        // json.dump of a float size writes 32.0; 3.2e1 is the same number.
        XCTAssertEqual(try BertCheckpoint.load(from: try variant("hidden_size", "3.2e1")).network.config.hiddenSize, 32)
    }

    func testAbsurdSizesAreRefusedBeforeAnythingIsAllocated() throws {
        // Each of these exhausted memory, trapped on overflow or died converting a Double.
        assertLoadFails(.format, try variant("hidden_size", "1e30"), ["\"hidden_size\" is 1e30, far too large (at most 65536)"])
        assertLoadFails(.format, try variant("max_position_embeddings", "1e18"),
                        ["\"max_position_embeddings\" is 1e18, far too large (at most 1048576)"])
        assertLoadFails(.format, try variant("num_hidden_layers", "1e9"), ["num_hidden_layers 1000000000 is too large (at most 1000)"])
        assertLoadFails(.format, try variant("vocab_size", "1e12"), ["vocab_size 1000000000000 is too large (at most 10000000)"])
        assertLoadFails(.format, try variant("intermediate_size", "1e12"),
                        ["intermediate_size 1000000000000 is too large (at most 1048576)"])
        let oneHead = try variant(text: try fixtureText.replacingOccurrences(of: "\"hidden_size\": 32", with: "\"hidden_size\": 1073741824")
            .replacingOccurrences(of: "\"num_attention_heads\": 4", with: "\"num_attention_heads\": 1"))
        assertLoadFails(.format, oneHead, ["hidden_size 1073741824 is too large (at most 65536)"])
        assertLoadFails(.format, try variant("hidden_size", "-4"), ["hidden_size must be positive (got -4)"])
    }

    func testSizesWithinTheBoundsMustStillFitTheCheckpointAndTheMemory() throws {
        assertLoadFails(.format, try variant("num_hidden_layers", "900"),
                        ["num_hidden_layers is 900", "holds 2 encoder layers", "does not belong to these weights"])
        assertLoadFails(.format, try variant("vocab_size", "5000000"),
                        ["vocab_size and hidden_size imply [5000000, 32]", "holds [120, 32]"])
        assertLoadFails(.format, try variant("intermediate_size", "1000000"),
                        ["intermediate_size and hidden_size imply [1000000, 32]", "holds [64, 32]"])
        var config = BertConfig(vocabSize: 30_000, hiddenSize: 65_536, numHiddenLayers: 1_000, numAttentionHeads: 1,
                                intermediateSize: 1_048_576)
        XCTAssertThrowsError(try config.validate(source: "c")) { XCTAssertTrue("\($0)".contains("parameters, more than the"), "\($0)") }
        config.numHiddenLayers = 1
        config.hiddenSize = 64
        XCTAssertNoThrow(try config.validate(source: "c"))
    }

    func testAFIFONamedModelSafetensorsIsAFileErrorNotAHang() throws {
        let directory = try variant(text: try fixtureText)
        let weights = directory.appendingPathComponent("model.safetensors")
        try fm.removeItem(at: weights)
        XCTAssertEqual(mkfifo(weights.path, 0o644), 0)
        let finished = expectation(description: "load returned")
        DispatchQueue.global().async {
            self.assertLoadFails(.file, directory, ["model.safetensors is a named pipe (FIFO)", "not a regular file"])
            finished.fulfill()
        }
        wait(for: [finished], timeout: 10)
        // The reader itself refuses it too (and opens non-blocking), for callers that skip the check.
        XCTAssertThrowsError(try SafetensorsFile(contentsOf: weights)) { XCTAssertTrue("\($0)".contains("named pipe"), "\($0)") }
        let config = directory.appendingPathComponent("config.json")
        try fm.removeItem(at: config)
        XCTAssertEqual(mkfifo(config.path, 0o644), 0)
        XCTAssertThrowsError(try BertConfig(contentsOf: config)) { XCTAssertEqual(($0 as? BertError)?.kind, .file) }
    }
}
