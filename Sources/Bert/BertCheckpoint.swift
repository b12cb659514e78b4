import Foundation
import Numerics

/// Loading and saving Hugging Face BERT checkpoint directories (`config.json` + `model.safetensors`,
/// its shards, or `pytorch_model.bin`: see `openWeights(in:)`).
///
///     let (network, report) = try BertCheckpoint.load(from: url, heads: .sequenceClassification,
///                                                     labels: ["neg", "pos"])
///     try BertCheckpoint.save(network, to: URL(fileURLWithPath: "out"))
public enum BertCheckpoint {
    /// Loads a checkpoint directory.
    /// - heads: the heads to build; nil builds those of the config's `architectures`.
    ///   Heads absent from the file are initialised (normal(0, initializer_range), bias 0,
    ///   LayerNorm 1 / 0) and reported.
    /// - labels: label names for the classifier; when their count differs from the config's,
    ///   a checkpoint classifier is replaced by a new one (and reported).
    /// - seed: seeds the initialisation of new parameters.
    public static func load(from directory: URL, heads: BertHeads? = nil, labels: [String]? = nil,
                            seed: UInt64 = 42) throws -> (network: BertNetwork, report: BertLoadReport) {
        let configURL = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw BertError(.file, "\(directory.path) has no config.json")
        }
        var config = try BertConfig(contentsOf: configURL)
        let architecture = config.architectures.first ?? "BertModel"
        var labelsChanged = false
        if let labels {
            guard !labels.isEmpty else { throw BertError(.argument, "a classifier needs at least one label") }
            labelsChanged = labels.count != config.numLabels
            config.setLabels(labels)
        }
        let file = try openWeights(in: directory)
        // Before anything is allocated: the file's tensors must have the sizes config.json claims.
        try checkSizes(of: config, against: file)
        let network = try BertNetwork(config: config, heads: heads ?? BertHeads(architecture: architecture))
        var report = BertLoadReport(directory: directory.path, checkpointArchitecture: architecture)
        try read(file, into: network, report: &report, replaceClassifier: labelsChanged)
        var generator = SeededGenerator(seed: seed)
        network.initialize(report.initialized, using: &generator)
        return (network, report)
    }

    /// The transformers name of a checkpoint key: `bert.` prefix on encoder keys, `gamma`/`beta`
    /// of old checkpoints renamed to `weight`/`bias` (transformers `_fix_key`).
    static func canonicalName(_ key: String) -> String {
        var name = key
        if name.hasPrefix("embeddings.") || name.hasPrefix("encoder.") || name.hasPrefix("pooler.") {
            name = "bert." + name
        }
        if name.hasSuffix("LayerNorm.gamma") { name = String(name.dropLast(5)) + "weight" }
        if name.hasSuffix("LayerNorm.beta") { name = String(name.dropLast(4)) + "bias" }
        return name
    }

    /// Compares config.json's sizes with the shapes of the embeddings, the first feed-forward
    /// layer and the number of encoder layers in the file, so that a config claiming more than the
    /// checkpoint holds (`num_hidden_layers: 1e9`, `vocab_size: 1e12`) fails with both numbers
    /// instead of allocating for it. The full per-tensor comparison follows in `read`.
    static func checkSizes(of config: BertConfig, against file: CheckpointTensors) throws {
        let path = file.checkpointPath
        var shapes: [String: [Int]] = [:]
        var layers = Set<Int>()
        for (key, shape) in file.tensorShapes {
            let name = canonicalName(key)
            shapes[name] = shape
            let layerPrefix = "bert.encoder.layer."
            if name.hasPrefix(layerPrefix), let index = Int(name.dropFirst(layerPrefix.count).prefix { $0 != "." }) {
                layers.insert(index)
            }
        }
        let C = config.hiddenSize
        var expected: [(String, [Int], String)] = [
            ("bert.embeddings.word_embeddings.weight", [config.vocabSize, C], "vocab_size and hidden_size"),
            ("bert.embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, C], "max_position_embeddings and hidden_size"),
            ("bert.embeddings.token_type_embeddings.weight", [config.typeVocabSize, C], "type_vocab_size and hidden_size"),
        ]
        if config.numHiddenLayers > 0 {
            expected.append(("bert.encoder.layer.0.intermediate.dense.weight", [config.intermediateSize, C],
                             "intermediate_size and hidden_size"))
        }
        for (name, shape, keys) in expected {
            guard let actual = shapes[name] else {
                throw BertError(.format, "\(path): missing tensor \"\(name)\" (the config asks for "
                                + "\(config.numHiddenLayers) layers of hidden size \(config.hiddenSize))")
            }
            guard actual == shape else {
                throw BertError(.format, "config.json's \(keys) imply \(shape) for \(name), but \(path) holds \(actual); "
                                + "the config does not belong to these weights")
            }
        }
        guard layers.count == config.numHiddenLayers, layers.allSatisfy({ $0 < config.numHiddenLayers }) else {
            throw BertError(.format, "config.json's num_hidden_layers is \(config.numHiddenLayers), but \(path) holds "
                            + "\(layers.count) encoder layers; the config does not belong to these weights")
        }
    }

    /// Keys transformers drops on load: buffers, and the decoder tied to the word embeddings.
    static let ignoredKeys: Set<String> = [
        "bert.embeddings.position_ids", "cls.predictions.decoder.weight",
    ]

    static func read(_ file: CheckpointTensors, into network: BertNetwork, report: inout BertLoadReport,
                     replaceClassifier: Bool) throws {
        let path = file.checkpointPath
        let shapes = file.tensorShapes
        var byName: [String: String] = [:]   // canonical -> key in the file
        for key in shapes.keys.sorted() {
            let name = canonicalName(key)
            if name != key { report.renamed += 1 }
            if let previous = byName[name] {
                throw BertError(.format, "\(path): tensors \"\(previous)\" and \"\(key)\" are the same parameter \(name)")
            }
            byName[name] = key
        }
        // Old checkpoints store the MLM bias as the decoder's bias too; either name will do.
        if byName["cls.predictions.bias"] == nil, let decoderBias = byName["cls.predictions.decoder.bias"] {
            byName["cls.predictions.bias"] = decoderBias
        }
        var used: Set<String> = ["cls.predictions.decoder.bias"]
        let config = network.config
        for entry in network.layout.entries {
            let isHead = !entry.name.hasPrefix("bert.embeddings.") && !entry.name.hasPrefix("bert.encoder.")
            let isClassifier = entry.name.hasPrefix("classifier.")
            guard let key = byName[entry.name] else {
                guard isHead else {
                    throw BertError(.format, "\(path): missing tensor \"\(entry.name)\" (the config asks for "
                                    + "\(config.numHiddenLayers) layers of hidden size \(config.hiddenSize))")
                }
                report.initialized.append(entry.name)
                continue
            }
            used.insert(entry.name)
            let shape = shapes[key]!
            if shape != entry.shape {
                if isClassifier && replaceClassifier {
                    report.initialized.append(entry.name)
                    report.classifierReplaced = true
                    continue
                }
                throw BertError(.format, "\(path): tensor \"\(key)\" has shape \(shape) but config.json "
                                + "implies \(entry.shape) for \(entry.name)")
            }
            do {
                try file.readFloats(key, into: network.parameters.vector(offset: entry.offset, count: entry.count))
            } catch {
                throw BertError(.format, "\(error)")
            }
        }
        report.unexpected = byName.keys.filter { !used.contains($0) && !ignoredKeys.contains($0) }
            .map { byName[$0]! }.sorted()
    }

    // MARK: - Saving

    /// Writes `config.json` (with `architectures`, `id2label`, `label2id`) and `model.safetensors`
    /// as transformers' `save_pretrained` does (the tied decoder weight is not duplicated; a
    /// headless model is saved with `BertModel`'s unprefixed keys), plus `extraFiles` (e.g. the
    /// vocabulary) and the marker `.bert-kernel-save` that lists them.
    ///
    /// Never deletes what it did not write: `directory` must be new, empty, or the folder of an
    /// earlier save holding nothing else (see `SaveDirectory`); missing parent folders are created.
    /// Atomic: the model is written to a hidden sibling and swapped in with one rename, so a
    /// failure or a crash never leaves a half-written model where a good one was.
    public static func save(_ network: BertNetwork, to directory: URL, extraFiles: [String: Data] = [:]) throws {
        let target = SaveDirectory(directory)
        try target.refuseProtectedFolders()
        try FileFailure.createFolder(target.parent)
        target.recoverLeftovers()
        let existing = try target.existing()

        let headless = network.heads.isSubset(of: .pooler)
        var files: [(name: String, data: Data)] = [
            ("config.json", try network.config.jsonData(architecture: network.heads.architecture)),
        ]
        let tensors = network.layout.entries.map { entry in
            SafetensorsTensor(name: headless ? String(entry.name.dropFirst("bert.".count)) : entry.name,
                              shape: entry.shape,
                              values: network.parameters.vector(offset: entry.offset, count: entry.count).array)
        }
        do {
            files.append(("model.safetensors", try SafetensorsWriter.encode(tensors, metadata: ["format": "pt"],
                                                                             path: "model.safetensors")))
        } catch {
            throw BertError(.format, "\(error)")
        }
        for (name, data) in extraFiles.sorted(by: { $0.key < $1.key }) {
            precondition(!name.contains("/") && name != SaveDirectory.markerName && !files.contains { $0.name == name },
                         "extra file name \(name)")
            files.append((name, data))
        }

        let staging = try target.makeStaging(files: files.map(\.name))
        var installed = false
        defer {
            staging.release()
            if !installed { SaveDirectory.removeSaveFiles(in: staging.url, includingTemporaries: true) }
        }
        for file in files {
            try SaveDirectory.writeSynced(file.data, to: staging.url.appendingPathComponent(file.name))
        }
        try target.install(staging.url, over: existing)
        installed = true
    }
}
