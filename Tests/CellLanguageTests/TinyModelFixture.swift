import Bert
import Foundation
import Numerics
import TestSupport
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
    static func write(to directory: URL, heads: BertHeads = .pooler, labels: [String]? = nil, problemType: String? = nil,
                      seed: UInt64 = 7, initializerRange: Double = 0.02) throws -> URL {
        var config = BertConfig(vocabSize: vocabulary.count, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                intermediateSize: 32, maxPositionEmbeddings: 128)
        if let labels { config.setLabels(labels) }
        config.problemType = problemType
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

    static let positive = ["great", "wonderful", "good", "superb", "fine"]
    static let negative = ["bad", "awful", "poor", "dull", "terrible"]
    static let subjects = ["the film", "the movie", "the plot", "the acting", "the story", "the music"]

    /// A multi-label JSONL: `count` lines alternating positive and negative templates, labelled
    /// `["positive"]` or `["negative"]` plus `"story"` when the subject is the plot or the story
    /// (both labels learnable from single words).
    static func multiLabelJSONL(count: Int = 48) -> String {
        (0..<count).map { i in
            let subject = subjects[(i / 2) % subjects.count]
            let text = i % 2 == 0 ? "\(subject) was very \(positive[(i / 2) % positive.count]) ."
                                  : "\(subject) is really \(negative[(i / 2) % negative.count]) !"
            var labels = [i % 2 == 0 ? "positive" : "negative"]
            if subject == "the plot" || subject == "the story" { labels.append("story") }
            return "{\"text\": \"\(text)\", \"label\": [" + labels.map { "\"\($0)\"" }.joined(separator: ", ") + "]}"
        }.joined(separator: "\n") + "\n"
    }

    /// The score of each adjective in `regressionCSV`: positive ones 3.25 ... 4.75, negative ones
    /// 0.25 ... 1.75 (quarter steps, so that the column reads as real numbers).
    static let scores: [String: Double] = [
        "great": 4.5, "wonderful": 4.75, "good": 3.5, "superb": 4.25, "fine": 3.25,
        "bad": 1.5, "awful": 0.5, "poor": 1.25, "dull": 1.75, "terrible": 0.25,
    ]

    /// A regression CSV with columns `text,score`: the sentiment templates scored by their adjective.
    static func regressionCSV(count: Int = 48) -> String {
        var lines = ["text,score"]
        for i in 0..<count {
            let subject = subjects[(i / 2) % subjects.count]
            let adjective = i % 2 == 0 ? positive[(i / 2) % positive.count] : negative[(i / 2) % negative.count]
            let verb = i % 2 == 0 ? "was very" : "is really"
            lines.append("\(subject) \(verb) \(adjective) .,\(scores[adjective]!)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A pre-training run small enough for a test of the session: one layer of width 16 with 2
    /// heads, 2 sentence pairs a step; the other options at their defaults.
    static func pretrainingOptions(steps: Int, maxLength: Int = 16) -> PretrainingOptions {
        var options = PretrainingOptions()
        options.steps = steps
        options.layers = 1
        options.hidden = 16
        options.heads = 2
        options.maxLength = maxLength
        options.batchSize = 2
        return options
    }

    static func writeFile(_ text: String, named name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }
}

/// What most session tests start from: a temporary directory (removed when the test ends) with
/// the tiny model in `tiny/` and `sentimentCSV` rows in `reviews.csv`.
struct TinySentimentWorkspace {
    let directory: URL
    let modelDirectory: URL
    let dataPath: String

    /// - rows: how many review rows (nil: `sentimentCSV`'s default)
    /// - heads, labels, initializerRange: the tiny model's, as `TinyModelFixture.write` takes them
    init(_ test: XCTestCase, rows: Int? = nil, heads: BertHeads = .pooler, labels: [String]? = nil,
         initializerRange: Double = 0.02) throws {
        directory = try test.makeTemporaryDirectory("bert-session")
        modelDirectory = try TinyModelFixture.write(to: directory.appendingPathComponent("tiny"), heads: heads,
                                                    labels: labels, initializerRange: initializerRange)
        let csv = rows.map { TinyModelFixture.sentimentCSV(count: $0) } ?? TinyModelFixture.sentimentCSV()
        dataPath = try TinyModelFixture.writeFile(csv, named: "reviews.csv", in: directory).path
    }

    /// A session with the tiny model (2 labels) and `data` (the reviews unless given), a quarter
    /// held out for validation.
    func session(data: String? = nil, model: URL? = nil) throws -> Session {
        let session = Session()
        try session.load(model: (model ?? modelDirectory).path, labels: 2)
        try session.load(dataset: data ?? dataPath, validation: 0.25)
        return session
    }
}

/// A test case working in a `TinySentimentWorkspace` made in its `setUp`, whose paths it reads
/// by name.
protocol TinySentimentTest: XCTestCase {
    var workspace: TinySentimentWorkspace! { get }
}

extension TinySentimentTest {
    var directory: URL { workspace.directory }
    var modelDirectory: URL { workspace.modelDirectory }
    var dataPath: String { workspace.dataPath }
}
