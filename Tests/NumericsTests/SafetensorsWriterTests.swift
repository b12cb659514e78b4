import Foundation
import TestSupport
import XCTest
@testable import Numerics

final class SafetensorsWriterTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("safetensors-writer")
    }

    /// The tensors of writer_reference.json, as Python wrote them.
    private func referenceTensors() throws -> (tensors: [SafetensorsTensor], metadata: [String: String]) {
        let url = SafetensorsFileTests.fixtures.appendingPathComponent("writer_reference.json")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let entries = try XCTUnwrap(json["tensors"] as? [[String: Any]])
        let tensors = try entries.map { entry in
            SafetensorsTensor(name: try XCTUnwrap(entry["name"] as? String),
                              shape: try XCTUnwrap(entry["shape"] as? [Int]),
                              values: try XCTUnwrap(entry["bits"] as? [Int]).map { Float(bitPattern: UInt32($0)) })
        }
        return (tensors, try XCTUnwrap(json["metadata"] as? [String: String]))
    }

    func testWriterOutputIsByteIdenticalToPythonSafetensors() throws {
        let (tensors, metadata) = try referenceTensors()
        let url = directory.appendingPathComponent("swift.safetensors")
        try SafetensorsWriter.write(tensors, metadata: metadata, to: url)
        let written = try Data(contentsOf: url)
        let reference = try Data(contentsOf: SafetensorsFileTests.fixtures.appendingPathComponent("writer_reference.safetensors"))
        XCTAssertEqual(written, reference)
    }

    func testRoundTripWriteThenRead() throws {
        let tensors = [
            SafetensorsTensor(name: "encoder.layer.0.attention.self.query.weight", shape: [3, 4],
                              values: (0..<12).map { Float($0) * 0.37 - 2 }),
            SafetensorsTensor(name: "scalar", shape: [], values: [Float.pi]),
            SafetensorsTensor(name: "empty", shape: [0, 5], values: []),
            SafetensorsTensor(name: "specials", shape: [4], values: [-0.0, .infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]),
            SafetensorsTensor(name: "naïve \"name\"\n", shape: [1], values: [1]),
        ]
        let url = directory.appendingPathComponent("round.safetensors")
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt", "ü": "\u{1}"], to: url)
        let file = try SafetensorsFile(contentsOf: url)
        XCTAssertEqual(file.metadata, ["format": "pt", "ü": "\u{1}"])
        XCTAssertEqual(file.tensorInfos.count, tensors.count)
        for tensor in tensors {
            XCTAssertEqual(file.tensorInfos[tensor.name]?.shape, tensor.shape)
            XCTAssertEqual(try file.floats(tensor.name).map(\.bitPattern), tensor.values.map(\.bitPattern), tensor.name)
        }
    }

    func testWriterRejectsBadInputWithoutTouchingAnExistingFile() throws {
        let url = directory.appendingPathComponent("keep.safetensors")
        try SafetensorsWriter.write([SafetensorsTensor(name: "a", shape: [1], values: [7])], metadata: [:], to: url)
        XCTAssertThrowsError(try SafetensorsWriter.write([SafetensorsTensor(name: "a", shape: [2, 2], values: [1, 2, 3])],
                                                         metadata: [:], to: url)) { error in
            XCTAssertTrue(String(describing: error).contains("'a'") && String(describing: error).contains("needs 4 values"), "\(error)")
        }
        XCTAssertThrowsError(try SafetensorsWriter.write([SafetensorsTensor(name: "a", shape: [1], values: [1]),
                                                          SafetensorsTensor(name: "a", shape: [1], values: [2])],
                                                         metadata: [:], to: url))
        XCTAssertEqual(try SafetensorsFile(contentsOf: url).floats("a"), [7])
        XCTAssertThrowsError(try SafetensorsWriter.write([], metadata: [:], to: directory.appendingPathComponent("no/such/dir.safetensors"))) { error in
            XCTAssertTrue(String(describing: error).contains("dir.safetensors"), "\(error)")
        }
    }

    /// Python's `safetensors` reads what Swift wrote. Needs a Python with `safetensors` and numpy
    /// (the reference venv); skipped otherwise.
    func testPythonSafetensorsReadsTheSwiftFile() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [ProcessInfo.processInfo.environment["BERT_KERNEL_REF_PYTHON"],
                          packageRoot.appendingPathComponent(".venv-ref/bin/python").path,
                          "/work/refvenv/bin/python"].compactMap { $0 }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no reference Python (set BERT_KERNEL_REF_PYTHON or create .venv-ref)")
        }
        let tensors = [SafetensorsTensor(name: "w", shape: [2, 3], values: [1, -2, 3.5, 1e-30, -0.0, 65504]),
                       SafetensorsTensor(name: "b", shape: [1], values: [0.1])]
        let url = directory.appendingPathComponent("for-python.safetensors")
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt"], to: url)
        let script = """
        import json, sys
        from safetensors import safe_open
        with safe_open(sys.argv[1], "numpy") as f:
            out = {"metadata": f.metadata(), "tensors": {k: [list(f.get_tensor(k).shape), f.get_tensor(k).view("uint32").ravel().tolist()] for k in f.keys()}}
        print(json.dumps(out))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("\(python) cannot import safetensors") }
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: output) as? [String: Any])
        XCTAssertEqual(json["metadata"] as? [String: String], ["format": "pt"])
        let read = try XCTUnwrap(json["tensors"] as? [String: [Any]])
        for tensor in tensors {
            XCTAssertEqual(read[tensor.name]?[0] as? [Int], tensor.shape)
            XCTAssertEqual(read[tensor.name]?[1] as? [Int], tensor.values.map { Int($0.bitPattern) })
        }
    }
}
