import ExactJSON
import Foundation

/// A checkpoint split into shards by `model.safetensors.index.json` (or `pytorch_model.bin.index.json`):
///
///     {"metadata": {"total_size": 1234}, "weight_map": {"bert.pooler.dense.weight": "model-00002-of-00002.safetensors", ...}}
///
/// as transformers' `save_pretrained(max_shard_size=...)` writes it (`modeling_utils.py`,
/// `load_sharded_checkpoint`). Each shard is opened with `openShard` (safetensors or PyTorch); every
/// tensor the map names must be in the shard it names, and no tensor may be in two shards. Shard
/// names are plain file names beside the index: a map naming `../x` or `/etc/x` is refused.
public final class ShardedCheckpoint: CheckpointTensors {
    public let checkpointPath: String
    public let tensorShapes: [String: [Int]]
    /// The shards, in the order their names first appear in the map.
    public let shards: [CheckpointTensors]
    private let shardOfTensor: [String: Int]

    public init(indexURL: URL, openShard: (URL) throws -> CheckpointTensors) throws {
        let path = indexURL.path
        func fail(_ reason: String) -> CheckpointFormatError { CheckpointFormatError(file: path, reason) }
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: indexURL)) } catch {
            throw fail("cannot read: \(error.localizedDescription)")
        }
        let root: OrderedJSON
        do { root = try OrderedJSON.parse(bytes, rejectDuplicateKeys: true, allowByteOrderMark: true, maxDepth: 16) } catch let error as OrderedJSONError {
            if let key = error.duplicateKey { throw fail("'\(key)' appears more than once") }
            throw fail(error.description)
        }
        guard let map = root["weight_map"]?.members else { throw fail("no 'weight_map' object (not a sharded checkpoint index)") }
        guard !map.isEmpty else { throw fail("'weight_map' is empty") }
        let folder = indexURL.deletingLastPathComponent()
        var shardNames: [String] = []
        var shardIndex: [String: Int] = [:]
        var named: [(tensor: String, shard: Int)] = []
        for (tensor, value) in map {
            guard let file = value.stringValue else { throw fail("weight_map['\(tensor)'] is \(value.kindName), expected a file name") }
            guard !file.isEmpty, !file.contains("/"), !file.contains("\\"), file != ".", file != ".." else {
                throw fail("weight_map['\(tensor)'] names '\(file)', which is not a file beside the index")
            }
            if shardIndex[file] == nil {
                shardIndex[file] = shardNames.count
                shardNames.append(file)
            }
            named.append((tensor, shardIndex[file]!))
        }
        var shards: [CheckpointTensors] = []
        for name in shardNames {
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw fail("the shard \(name) it names is missing from \(folder.path) (an incomplete download?)")
            }
            shards.append(try openShard(url))
        }
        var shapes: [String: [Int]] = [:]
        var owner: [String: Int] = [:]
        for (index, shard) in shards.enumerated() {
            for (tensor, shape) in shard.tensorShapes {
                if let other = owner[tensor] {
                    throw fail("tensor '\(tensor)' is in both \(shardNames[other]) and \(shardNames[index])")
                }
                owner[tensor] = index
                shapes[tensor] = shape
            }
        }
        for (tensor, shard) in named where owner[tensor] != shard {
            throw fail("weight_map puts '\(tensor)' in \(shardNames[shard]), but "
                       + (owner[tensor].map { "it is in \(shardNames[$0])" } ?? "no shard holds it"))
        }
        self.checkpointPath = path
        self.tensorShapes = shapes
        self.shards = shards
        self.shardOfTensor = owner
    }

    public func readFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        guard let shard = shardOfTensor[name] else {
            throw CheckpointFormatError(file: checkpointPath, "no tensor '\(name)' in any shard")
        }
        try shards[shard].readFloats(name, into: destination)
    }
}

/// A checkpoint file (an index, a PyTorch archive or its pickle) that cannot be read, and why.
public struct CheckpointFormatError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let reason: String

    public init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}
