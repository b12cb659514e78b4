import ExactJSON
import Foundation
import HuggingFaceHub

/// Downloads what `BertCheckpoint.load` and `BertTokenizer(directory:)` read, from the hub into
/// its standard cache (see `HubRepository` for the layout), as `from_pretrained` would fetch it:
/// `config.json`; the first weight file of `BertCheckpoint.weightFileNames` the repository has
/// (and, for an index, every shard it names); the tokenizer files it has. The revision is
/// resolved once, by `config.json`'s answer, and every other file is asked for at that commit, so
/// a push during the download cannot mix two versions.
///
///     let snapshot = try HubModelDownload.download("google-bert/bert-base-uncased", revision: "main",
///                                                  settings: HubSettings())
public enum HubModelDownload {
    /// Tokenizer files fetched when present (at least tokenizer.json or vocab.txt must be).
    public static let tokenizerFileNames = ["tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"]

    /// Bytes done and to do over all files of the download.
    public typealias Progress = (_ bytes: Int64, _ total: Int64) -> Void

    /// - returns: the snapshot directory, `<cache>/models--ORG--NAME/snapshots/<commit>`.
    public static func download(_ id: String, revision: String, settings: HubSettings, onProgress: Progress? = nil,
                                shouldCancel: @escaping () -> Bool = { false }) throws -> URL {
        let first = HubRepository(id: id, revision: revision, settings: settings)
        guard let config = try first.metadata(of: "config.json") else {
            throw HubError(.other, "'\(id)' on the hub has no config.json, so it is not a transformers model")
        }
        let repository = HubRepository(id: id, revision: config.commit, settings: settings)
        repository.shouldCancel = shouldCancel
        var files: [(name: String, metadata: HubRepository.FileMetadata)] = [("config.json", config)]

        var weights: (name: String, metadata: HubRepository.FileMetadata)?
        for name in BertCheckpoint.weightFileNames {
            if let metadata = try repository.metadata(of: name) { weights = (name, metadata); break }
        }
        guard let weights else {
            throw HubError(.other, "'\(id)' has none of " + BertCheckpoint.weightFileNames.joined(separator: ", ")
                           + " at \(revision); there are no weights to load")
        }
        files.append(weights)
        if weights.name.hasSuffix(".index.json") {
            // The index is small: fetch it now to learn the shards.
            let index = try repository.fetch(weights.name, weights.metadata)
            for shard in try shardNames(in: index) {
                guard let metadata = try repository.metadata(of: shard) else {
                    throw HubError(.other, "'\(id)': \(weights.name) names the shard \(shard), which the repository lacks")
                }
                files.append((shard, metadata))
            }
        }
        var tokenizerFiles = 0
        for name in tokenizerFileNames {
            guard let metadata = try repository.metadata(of: name) else { continue }
            files.append((name, metadata))
            if name == "tokenizer.json" || name == "vocab.txt" { tokenizerFiles += 1 }
        }
        guard tokenizerFiles > 0 else {
            throw HubError(.other, "'\(id)' has neither tokenizer.json nor vocab.txt, so its tokenizer cannot be loaded")
        }

        // Progress over the bytes still to fetch (cached blobs cost nothing).
        let blobs = repository.folder.appendingPathComponent("blobs")
        let pending = files.filter { !FileManager.default.fileExists(atPath: blobs.appendingPathComponent($0.metadata.etag).path) }
        let total = pending.reduce(Int64(0)) { $0 + $1.metadata.size }
        var finished: Int64 = 0
        for file in files {
            let isPending = pending.contains { $0.name == file.name }
            if isPending {
                let before = finished
                repository.onProgress = { progress in onProgress?(before + progress.bytes, total) }
            }
            try repository.fetch(file.name, file.metadata)
            if isPending { finished += file.metadata.size }
            onProgress?(finished, total)
        }
        try first.writeReference(commit: config.commit)
        return repository.folder.appendingPathComponent("snapshots").appendingPathComponent(config.commit)
    }

    /// The distinct shard files of an index's `weight_map`, in order of first appearance.
    static func shardNames(in index: URL) throws -> [String] {
        let root: OrderedJSON
        do { root = try OrderedJSON.parse([UInt8](try Data(contentsOf: index)), allowByteOrderMark: true) } catch {
            throw BertError(.format, "\(index.path): \(error)")
        }
        guard let map = root["weight_map"]?.members else { throw BertError(.format, "\(index.path) has no weight_map object") }
        var names: [String] = []
        for (_, value) in map {
            guard let name = value.stringValue, !name.isEmpty, !name.contains("/"), !name.contains("\\"), name != "..", name != "." else {
                throw BertError(.format, "\(index.path): weight_map names '\(value.sourceText)', which is not a file beside the index")
            }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }
}
