import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// Loading variants transformers accepts, the errors for checkpoints that do not fit, and saving.
final class CheckpointTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = try makeTemporaryDirectory("bert-ckpt")
    }

    /// The tiny pre-training checkpoint's tensors, renamed / filtered, written with `config` to a new directory.
    func writeVariant(_ name: String, config: ((inout [String: Any]) -> Void)? = nil,
                      rename: (String) -> String? = { $0 }, extraI64: [String: [Int64]] = [:]) throws -> URL {
        let source = try SafetensorsFile(contentsOf: BertFixtures.tiny.appendingPathComponent("model.safetensors"))
        let directory = scratch.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: BertFixtures.tiny.appendingPathComponent("config.json"))) as! [String: Any]
        config?(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: directory.appendingPathComponent("config.json"))
        var tensors: [(String, [Int], Data, String)] = []
        for key in source.tensorInfos.keys.sorted() {
            guard let newName = rename(key) else { continue }
            let values = try source.floats(key)
            tensors.append((newName, source.tensorInfos[key]!.shape, values.withUnsafeBytes { Data($0) }, "F32"))
        }
        for (key, values) in extraI64 {
            tensors.append((key, [1, values.count], values.withUnsafeBytes { Data($0) }, "I64"))
        }
        try RawSafetensors.write(tensors, to: directory.appendingPathComponent("model.safetensors"))
        return directory
    }

    func testUnprefixedGammaBetaCheckpointWithPositionIdsLoadsToTheSameLogitsWithin1e6() throws {
        let old = try writeVariant("old", rename: { key in
            var name = key.hasPrefix("bert.") ? String(key.dropFirst(5)) : key
            if name.hasSuffix("LayerNorm.weight") { name = String(name.dropLast(6)) + "gamma" }
            if name.hasSuffix("LayerNorm.bias") { name = String(name.dropLast(4)) + "beta" }
            return name
        }, extraI64: ["embeddings.position_ids": (0..<64).map(Int64.init)])
        let (network, report) = try BertCheckpoint.load(from: old)
        XCTAssertEqual(report.unexpected, [])
        XCTAssertEqual(report.initialized, [])
        XCTAssertGreaterThan(report.renamed, 0)
        let (reference, _) = try BertCheckpoint.load(from: BertFixtures.tiny)
        let (batch, _) = try BertFixtures.tinyInputs()
        Closeness.assertMaxAbs(try network.infer(batch, request: .maskedLM).predictionLogits!,
                               try reference.infer(batch, request: .maskedLM).predictionLogits!, tolerance: 1e-6, "MLM logits")
    }

    func testEncoderOnlyCheckpointGetsNewHeadsInitialisedAsTransformersAndReported() throws {
        let bare = try writeVariant("bare", config: { $0["architectures"] = ["BertModel"] }, rename: { key in
            key.hasPrefix("cls.") || key.contains("pooler") ? nil : String(key.dropFirst(5))
        })
        let (network, report) = try BertCheckpoint.load(from: bare, heads: .sequenceClassification, labels: ["a", "b"])
        XCTAssertEqual(Set(report.initialized), ["bert.pooler.dense.weight", "bert.pooler.dense.bias",
                                                  "classifier.weight", "classifier.bias"])
        XCTAssertTrue(report.description.contains("newly initialised"))
        XCTAssertEqual(Array(network.parameter("classifier.bias")!), [0, 0])
        let weights = Array(network.parameter("bert.pooler.dense.weight")!)
        let mean = weights.reduce(0, +) / Float(weights.count)
        let std = (weights.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(weights.count)).squareRoot()
        XCTAssertEqual(std, 0.02, accuracy: 0.003, "normal(0, initializer_range)")
        XCTAssertEqual(network.config.labelNames, ["a", "b"])
        let (batch, _) = try BertFixtures.tinyInputs()
        XCTAssertEqual(try network.infer(batch).logits!.count, 6)
    }

    func testPreTrainingCheckpointLoadedAsClassifierReportsUnusedHeadTensors() throws {
        let (_, report) = try BertCheckpoint.load(from: BertFixtures.tiny, heads: .sequenceClassification)
        XCTAssertEqual(Set(report.initialized), ["classifier.weight", "classifier.bias"])
        XCTAssertTrue(report.unexpected.contains("cls.predictions.bias"))
        XCTAssertTrue(report.unexpected.contains("cls.seq_relationship.weight"))
    }

    func testNewLabelCountReplacesTheCheckpointClassifier() throws {
        let (network, report) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier, labels: ["x", "y"])
        XCTAssertTrue(report.classifierReplaced)
        XCTAssertEqual(network.layout["classifier.weight"]!.shape, [2, 32])
    }

    func testShapeMismatchBetweenConfigAndWeightsNamesTheTensor() throws {
        let bad = try writeVariant("mismatch", config: { $0["intermediate_size"] = 48 })
        XCTAssertThrowsError(try BertCheckpoint.load(from: bad)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("bert.encoder.layer.0.intermediate.dense.weight"), message)
            XCTAssertTrue(message.contains("[64, 32]") && message.contains("[48, 32]"), message)
            XCTAssertTrue(message.contains("model.safetensors"), message)
        }
    }

    func testMissingEncoderTensorIsAnErrorNamingIt() throws {
        let bad = try writeVariant("missing", rename: { $0 == "bert.encoder.layer.1.output.dense.bias" ? nil : $0 })
        XCTAssertThrowsError(try BertCheckpoint.load(from: bad)) { error in
            XCTAssertTrue("\(error)".contains("missing tensor \"bert.encoder.layer.1.output.dense.bias\""), "\(error)")
        }
    }

    func testMissingFilesAndBadConfigGiveClearErrors() throws {
        XCTAssertThrowsError(try BertCheckpoint.load(from: scratch.appendingPathComponent("nowhere"))) { error in
            XCTAssertTrue("\(error)".contains("config.json"), "\(error)")
        }
        let noWeights = scratch.appendingPathComponent("noweights")
        try FileManager.default.createDirectory(at: noWeights, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: BertFixtures.tiny.appendingPathComponent("config.json"),
                                         to: noWeights.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try BertCheckpoint.load(from: noWeights)) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors"), "\(error)")
        }
        let badHeads = try writeVariant("heads", config: { $0["num_attention_heads"] = 5 })
        XCTAssertThrowsError(try BertCheckpoint.load(from: badHeads)) { error in
            XCTAssertTrue("\(error)".contains("num_attention_heads"), "\(error)")
        }
        let truncated = try writeVariant("truncated")
        let weights = truncated.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: weights)
        try data.prefix(data.count - 100).write(to: weights)
        XCTAssertThrowsError(try BertCheckpoint.load(from: truncated)) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors"), "\(error)")
        }
    }

    func testSavedClassifierReloadsWithLabelsAndIdenticalLogits() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let target = scratch.appendingPathComponent("saved")
        try BertCheckpoint.save(network, to: target, extraFiles: ["vocab.txt": Data("[PAD]\n".utf8)])
        // Saving again over it replaces it in one rename.
        try BertCheckpoint.save(network, to: target, extraFiles: ["vocab.txt": Data("[PAD]\n".utf8)])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: target.appendingPathComponent("config.json"))) as! [String: Any]
        XCTAssertEqual(config["architectures"] as? [String], ["BertForSequenceClassification"])
        XCTAssertEqual(config["id2label"] as? [String: String], ["0": "neg", "1": "neu", "2": "pos"])
        XCTAssertEqual(config["label2id"] as? [String: Int], ["neg": 0, "neu": 1, "pos": 2])
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.appendingPathComponent("vocab.txt").path))
        let (reloaded, report) = try BertCheckpoint.load(from: target)
        XCTAssertEqual(report.initialized, [])
        XCTAssertEqual(report.unexpected, [])
        let (batch, _) = try BertFixtures.tinyInputs()
        XCTAssertEqual(try reloaded.infer(batch).logits!, try network.infer(batch).logits!)
    }

    func testSavedPreTrainingModelDoesNotDuplicateTheTiedDecoder() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tiny)
        let target = scratch.appendingPathComponent("pre")
        try BertCheckpoint.save(network, to: target)
        let saved = try SafetensorsFile(contentsOf: target.appendingPathComponent("model.safetensors"))
        let original = try SafetensorsFile(contentsOf: BertFixtures.tiny.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(Set(saved.tensorInfos.keys), Set(original.tensorInfos.keys))
        XCTAssertNil(saved.tensorInfos["cls.predictions.decoder.weight"])
    }

    func testSaveIntoAFilePathFailsAndKeepsTheFile() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let file = scratch.appendingPathComponent("plain.txt")
        try Data("keep".utf8).write(to: file)
        XCTAssertThrowsError(try BertCheckpoint.save(network, to: file))
        XCTAssertEqual(try Data(contentsOf: file), Data("keep".utf8))
    }
}

/// Writes safetensors with F32 and I64 tensors (the project's writer emits F32 only).
enum RawSafetensors {
    static func write(_ tensors: [(name: String, shape: [Int], bytes: Data, dtype: String)], to url: URL) throws {
        var offset = 0
        var entries: [String] = []
        var body = Data()
        for t in tensors {
            entries.append("\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":\(t.shape),\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
            offset += t.bytes.count
            body.append(t.bytes)
        }
        var header = Data(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var length = UInt64(header.count).littleEndian
        var file = Data(bytes: &length, count: 8)
        file.append(header)
        file.append(body)
        try file.write(to: url)
    }
}
