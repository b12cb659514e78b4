import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// Sharded safetensors and PyTorch `pytorch_model.bin` checkpoints (issue 19, parts 2 and 3),
/// written by scripts/reference/checkpoint_format_fixtures.py from tiny-cls: the same weights in
/// every format, so the logits must be bit-for-bit those of tiny-cls's model.safetensors (the same
/// floats go through the same computation) and within 1e-4 of transformers' on each directory.
final class CheckpointFormatTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = try makeTemporaryDirectory("checkpoint-formats")
    }

    private func logits(_ name: String) throws -> [Float] {
        let (network, report) = try BertCheckpoint.load(from: BertFixtures.directory.appendingPathComponent(name))
        XCTAssertEqual(report.initialized, [], name)
        XCTAssertEqual(report.unexpected, [], name)
        return try network.infer(try BertFixtures.tinyInputs().batch).logits!
    }

    private func transformersLogits(_ name: String) throws -> [Float] {
        let fixture = try BertFixtures.json("checkpoint_formats.json") as! [String: Any]
        return BertFixtures.floats(fixture[name])
    }

    func testShardedSafetensorsGiveIdenticalLogitsToOneFileAndMatchTransformersWithin1e4() throws {
        let single = try logits("tiny-cls")
        let sharded = try logits("tiny-cls-sharded")
        XCTAssertEqual(sharded, single)
        Closeness.assertMaxAbs(sharded, try transformersLogits("tiny-cls-sharded"), tolerance: 1e-4, "sharded logits")
    }

    func testPyTorchBinWrittenByTorchSaveGivesIdenticalLogitsToItsSafetensorsTwin() throws {
        // Its classifier.weight is a transposed view: read through its strides.
        let twin = try logits("tiny-cls")
        let binary = try logits("tiny-cls-bin")
        XCTAssertEqual(binary, twin)
        Closeness.assertMaxAbs(binary, try transformersLogits("tiny-cls-bin"), tolerance: 1e-4, "bin logits")
    }

    func testShardedPyTorchBinGivesIdenticalLogits() throws {
        XCTAssertEqual(try logits("tiny-cls-bin-sharded"), try logits("tiny-cls"))
    }

    func testABinWhosePickleCallsOsSystemIsRefusedNamingTheCall() throws {
        let marker = "/tmp/bert-kernel-evil-pickle-ran"
        try? FileManager.default.removeItem(atPath: marker)
        XCTAssertThrowsError(try BertCheckpoint.load(from: BertFixtures.directory.appendingPathComponent("evil-bin"))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("posix.system") || message.contains("os.system"), message)
            XCTAssertTrue(message.contains("refused"), message)
            XCTAssertTrue(message.contains("pytorch_model.bin"), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    func testSafetensorsIsPreferredWhenBothFormatsArePresent() throws {
        // A directory with tiny-cls's safetensors and a .bin that cannot be read: loading must
        // not open the .bin at all.
        let both = scratch.appendingPathComponent("both")
        try FileManager.default.createDirectory(at: both, withIntermediateDirectories: true)
        for name in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: BertFixtures.tinyClassifier.appendingPathComponent(name), to: both.appendingPathComponent(name))
        }
        try FileManager.default.copyItem(at: BertFixtures.directory.appendingPathComponent("evil-bin/pytorch_model.bin"),
                                         to: both.appendingPathComponent("pytorch_model.bin"))
        let (network, _) = try BertCheckpoint.load(from: both)
        XCTAssertEqual(try network.infer(try BertFixtures.tinyInputs().batch).logits!, try logits("tiny-cls"))
    }

    func testAMissingShardOrAShardOutsideTheFolderIsAClearError() throws {
        let copy = scratch.appendingPathComponent("sharded")
        try FileManager.default.copyItem(at: BertFixtures.directory.appendingPathComponent("tiny-cls-sharded"), to: copy)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("model-00002-of-00003.safetensors"))
        XCTAssertThrowsError(try BertCheckpoint.load(from: copy)) { error in
            XCTAssertTrue("\(error)".contains("model-00002-of-00003.safetensors") && "\(error)".contains("missing"), "\(error)")
        }
        let index = copy.appendingPathComponent("model.safetensors.index.json")
        try Data(#"{"weight_map": {"bert.pooler.dense.bias": "../../etc/passwd"}}"#.utf8).write(to: index)
        XCTAssertThrowsError(try BertCheckpoint.load(from: copy)) { error in
            XCTAssertTrue("\(error)".contains("not a file beside the index"), "\(error)")
        }
    }

    func testATruncatedBinIsAClearError() throws {
        let copy = scratch.appendingPathComponent("truncated")
        try FileManager.default.copyItem(at: BertFixtures.directory.appendingPathComponent("tiny-cls-bin"), to: copy)
        let weights = copy.appendingPathComponent("pytorch_model.bin")
        let data = try Data(contentsOf: weights)
        for keep in [0, 10, data.count / 2, data.count - 30] {
            try data.prefix(keep).write(to: weights)
            XCTAssertThrowsError(try BertCheckpoint.load(from: copy), "\(keep) bytes") { error in
                XCTAssertTrue("\(error)".contains("pytorch_model.bin"), "\(error)")
            }
        }
    }

    func testHeadsInWeightsAreThoseWhoseTensorsTheFileHolds() throws {
        XCTAssertEqual(try BertCheckpoint.headsInWeights(of: BertFixtures.tiny), .preTraining)
        XCTAssertEqual(try BertCheckpoint.headsInWeights(of: BertFixtures.tinyClassifier), .sequenceClassification)
        XCTAssertEqual(try BertCheckpoint.headsInWeights(of: BertFixtures.directory.appendingPathComponent("tiny-cls-bin")),
                       .sequenceClassification)
    }

    func testNoWeightFileNamesEveryFormatLookedFor() throws {
        let empty = scratch.appendingPathComponent("config-only")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: BertFixtures.tinyClassifier.appendingPathComponent("config.json"),
                                         to: empty.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try BertCheckpoint.load(from: empty)) { error in
            for name in BertCheckpoint.weightFileNames { XCTAssertTrue("\(error)".contains(name), "\(error)") }
        }
    }
}
