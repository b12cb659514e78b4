import Foundation
import Numerics

extension BertCheckpoint {
    /// The weight files a checkpoint directory may hold, in the order transformers' `from_pretrained`
    /// prefers them (`modeling_utils.py`, `_get_resolved_checkpoint_files`): safetensors before
    /// PyTorch's pickle, one file before shards.
    public static let weightFileNames = ["model.safetensors", "model.safetensors.index.json",
                                         "pytorch_model.bin", "pytorch_model.bin.index.json"]

    /// The tensors of the first weight file of `weightFileNames` present in `directory`.
    static func openWeights(in directory: URL) throws -> CheckpointTensors {
        guard let name = weightFileNames.first(where: {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }) else {
            throw BertError(.file, "\(directory.path) has no weights: none of "
                            + weightFileNames.joined(separator: ", ") + " is in it")
        }
        let url = directory.appendingPathComponent(name)
        try FileFailure.requireRegularFile(url, role: name)
        do {
            switch name {
            case "model.safetensors":
                return try SafetensorsFile(contentsOf: url)
            case "pytorch_model.bin":
                return try PyTorchCheckpoint(contentsOf: url)
            default:
                return try ShardedCheckpoint(indexURL: url) { shard in
                    try FileFailure.requireRegularFile(shard, role: shard.lastPathComponent)
                    return name.hasPrefix("model.safetensors")
                        ? try SafetensorsFile(contentsOf: shard) : try PyTorchCheckpoint(contentsOf: shard)
                }
            }
        } catch let error as BertError {
            throw error
        } catch {
            throw BertError(.format, "\(error)")
        }
    }
}
