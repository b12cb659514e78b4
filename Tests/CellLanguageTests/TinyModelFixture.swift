import Bert
import Foundation
import Numerics
import XCTest
@testable import CellLanguage

/// A tiny random BERT with a small vocabulary, written as a Hugging Face directory, and small
/// sentiment datasets, built in the test (deterministically, from a seed).
enum TinyModelFixture {
    static let words = ["the", "a", "film", "movie", "plot", "acting", "was", "is", "very", "really", "quite",
                        "great", "wonderful", "good", "fine", "superb", "bad", "awful", "poor", "dull", "terrible",
                        "and", "but", "not", ".", "!", "un", "##believ", "##able", "story", "music"]

    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words

    /// Writes the model to `directory`: a `BertModel` (no classifier) unless `heads` says otherwise.
    @discardableResult
    static func write(to directory: URL, heads: BertHeads = .pooler, labels: [String]? = nil, seed: UInt64 = 7,
                      initializerRange: Double = 0.02) throws -> URL {
        var config = BertConfig(vocabSize: vocabulary.count, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                intermediateSize: 32, maxPositionEmbeddings: 128)
        if let labels { config.setLabels(labels) }
        config.initializerRange = initializerRange
        let network = try BertNetwork(config: config, heads: heads)
        var generator = SeededGenerator(seed: seed)
        network.initializeAll(using: &generator)
        try BertCheckpoint.save(network, to: directory, extraFiles: [
            "vocab.txt": Data((vocabulary.joined(separator: "\n") + "\n").utf8),
            "tokenizer_config.json": Data("{\"do_lower_case\": true, \"model_max_length\": 128}".utf8),
        ])
        return directory
    }

    /// A separable sentiment CSV: `count` rows alternating positive and negative templates.
    static func sentimentCSV(count: Int = 48, labels: (String, String) = ("positive", "negative")) -> String {
        let positive = ["great", "wonderful", "good", "superb", "fine"]
        let negative = ["bad", "awful", "poor", "dull", "terrible"]
        let subjects = ["the film", "the movie", "the plot", "the acting", "the story", "the music"]
        var lines = ["text,label"]
        for i in 0..<count {
            let subject = subjects[(i / 2) % subjects.count]
            if i % 2 == 0 {
                lines.append("\(subject) was very \(positive[(i / 2) % positive.count]) .,\(labels.0)")
            } else {
                lines.append("\(subject) is really \(negative[(i / 2) % negative.count]) !,\(labels.1)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fresh temporary directory, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bert-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    static func writeFile(_ text: String, named name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }
}
