import Bert
import Foundation
import Numerics
import WordPiece
@testable import CellLanguage

/// A tiny random BERT with every head (classifier, MLM, NSP) and a vocabulary built from a few
/// sentences, and a made-up training history: enough for every teaching command and plot.
enum TeachingFixtures {
    static let documents = [
        ["The child came home from school.", "She was tired and hungry."],
        ["Bread needs flour, water and salt.", "The dough rests for an hour."],
        ["We walked along the cliffs.", "The sea was grey and loud."],
    ]

    static func model(seed: UInt64 = 7) throws -> LoadedModel {
        let tokenizer = try PretrainingVocabulary.tokenizer(for: documents)
        var config = BertConfig(vocabSize: tokenizer.vocabularySize, hiddenSize: 16, numHiddenLayers: 2,
                                numAttentionHeads: 4, intermediateSize: 32, maxPositionEmbeddings: 64)
        config.setLabels(["neg", "pos"])
        let network = try BertNetwork(config: config, heads: BertHeads.preTraining.union(.sequenceClassification))
        var generator = SeededGenerator(seed: seed)
        network.initializeAll(using: &generator)
        return LoadedModel(network: network, tokenizer: tokenizer, source: "tiny")
    }

    /// A network like `model()` but with only the encoder and a classifier (as MiniLM loads).
    static func modelWithoutPretrainingHeads() throws -> LoadedModel {
        let full = try model()
        let network = try BertNetwork(config: full.config, heads: .sequenceClassification)
        var generator = SeededGenerator(seed: 1)
        network.initializeAll(using: &generator)
        return LoadedModel(network: network, tokenizer: full.tokenizer, source: "headless")
    }

    static func history() -> TrainingHistory {
        var history = TrainingHistory()
        for step in 1...12 {
            history.steps.append(.init(step: step, epoch: Double(step) / 6, loss: 0.7 - 0.03 * Double(step),
                                       learningRate: 1e-4 * Double(12 - step) / 12))
        }
        history.epochs = [
            .init(epoch: 1, step: 6, trainLoss: 0.6, trainAccuracy: 0.6, validationLoss: 0.55, validationAccuracy: 0.65),
            .init(epoch: 2, step: 12, trainLoss: 0.4, trainAccuracy: 0.8, validationLoss: 0.5, validationAccuracy: 0.7),
        ]
        history.lastConfusion = .init(split: "validation", labelNames: ["neg", "pos"], matrix: [[5, 2], [1, 6]])
        history.tokenLengths = [5, 9, 12, 30, 7]
        history.maxLength = 16
        return history
    }
}
