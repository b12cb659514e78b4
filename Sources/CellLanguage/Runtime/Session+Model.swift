import Bert
import Display
import Foundation
import TextDatasets
import WordPiece

/// `load(model:labels:)`, `tokenize` and `predict`: the typed API behind the commands.
extension Session {
    /// Loads a BERT checkpoint by name or directory (resolved offline by `ModelLocator`) with a
    /// sequence-classification head (and the checkpoint's own heads, e.g. MLM and NSP).
    ///
    ///     let summary = try session.load(model: "all-MiniLM-L6-v2", labels: 2)
    ///
    /// - labels: the number of classes; nil keeps the checkpoint's `id2label` (or takes the
    ///   loaded dataset's labels when the checkpoint has no classifier). A classifier absent
    ///   from the checkpoint, or of another size, is initialised as transformers does.
    /// Drops the optimizer state and the history of a previous model. On any error the previous
    /// model stays loaded.
    @discardableResult
    public func load(model name: String, labels: Int? = nil) throws -> ModelSummary {
        if let labels, !(1...100_000).contains(labels) {
            throw SessionError(.argument, "labels must be a number of classes between 1 and 100000, got \(labels)", argument: "labels")
        }
        let directory = try ModelLocator().locate(name)
        let configURL = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw SessionError(.file, "\(directory.path) has no config.json (a model directory holds config.json, "
                               + "model.safetensors and vocab.txt or tokenizer.json)", argument: "model")
        }
        let config = try BertConfig(contentsOf: configURL)
        let checkpointHeads = BertHeads(architecture: config.architectures.first ?? "BertModel")
        let labelNames: [String]
        if let labels {
            labelNames = labels == config.numLabels ? config.labelNames : (0..<labels).map { "LABEL_\($0)" }
        } else if !checkpointHeads.contains(.classifier), let data = dataset?.dataset, data.task == .singleLabel {
            labelNames = data.labelMap.names
        } else {
            labelNames = config.labelNames
        }
        let (network, report) = try BertCheckpoint.load(from: directory, heads: checkpointHeads.union(.sequenceClassification),
                                                        labels: labelNames)
        let tokenizer = try BertTokenizer(directory: directory)
        if tokenizer.vocabularySize > network.config.vocabSize {
            throw SessionError(.format, "\(directory.path): the tokenizer has \(tokenizer.vocabularySize) tokens but "
                               + "config.json's vocab_size is \(network.config.vocabSize)", argument: "model")
        }
        var loaded = LoadedModel(network: network, tokenizer: tokenizer, source: name, directory: directory, report: report,
                                 classifierIsFresh: report.initialized.contains("classifier.weight"))
        var note: String?
        var alignedData: TextDataset?
        if let data = dataset?.dataset {
            do {
                (loaded, alignedData, note) = try align(loaded, data)
            } catch let error as SessionError {
                note = "warning: " + error.message
            }
        }
        setComponent(loaded)
        if let alignedData { setComponent(LoadedDataset(alignedData)) }
        setComponent(nil, as: OptimizerState.self)
        setComponent(nil, as: TrainingHistory.self)
        return ModelSummary(model: loaded, note: note)
    }

    /// Makes the model's classifier and the dataset agree on the label names and ids:
    /// a fresh classifier takes the dataset's labels (re-initialised when the count differs);
    /// a trained one keeps its labels and the dataset is renumbered to them.
    /// Returns the (possibly new) model, the (possibly renumbered) dataset and what was done.
    func align(_ model: LoadedModel, _ data: TextDataset) throws -> (LoadedModel, TextDataset, String?) {
        guard data.task == .singleLabel, model.hasClassifier else { return (model, data, nil) }
        let wanted = data.labelMap.names
        if model.labelNames == wanted { return (model, data, nil) }
        if model.classifierIsFresh {
            if model.labelNames.count == wanted.count {
                try model.network.updateConfig { $0.setLabels(wanted) }
                return (model, data, "the classifier's labels are now the dataset's: \(wanted.joined(separator: ", "))")
            }
            guard let directory = model.directory else {
                throw SessionError(.state, "the model has \(model.labelNames.count) labels but the dataset has \(wanted.count)")
            }
            let (network, report) = try BertCheckpoint.load(from: directory, heads: model.network.heads, labels: wanted)
            let resized = LoadedModel(network: network, tokenizer: model.tokenizer, source: model.source, directory: directory,
                                      report: report, classifierIsFresh: true)
            return (resized, data, "the classifier was re-initialised for the dataset's \(wanted.count) labels: "
                    + wanted.joined(separator: ", "))
        }
        if let target = try? LabelMap(names: model.labelNames), let remapped = try? data.remapped(to: target) {
            return (model, remapped, nil)
        }
        let generic = model.labelNames.enumerated().allSatisfy { $0.element == "LABEL_\($0.offset)" }
        if generic && model.labelNames.count == wanted.count {
            try model.network.updateConfig { $0.setLabels(wanted) }
            return (model, data, "the model's labels LABEL_0... are now named after the dataset's: \(wanted.joined(separator: ", "))")
        }
        throw SessionError(.state, "the model's labels (\(model.labelNames.joined(separator: ", "))) differ from the dataset's ("
                           + wanted.joined(separator: ", ") + "); load the model with load(model: ..., labels: \(wanted.count)) "
                           + "for a new classifier")
    }

    /// Checks a `maxLength` argument against the model.
    func checkMaxLength(_ maxLength: Int, for model: LoadedModel) throws {
        guard maxLength >= 2, maxLength <= model.maxPositions else {
            throw SessionError(.argument, "maxLength must be between 2 and the model's max_position_embeddings "
                               + "\(model.maxPositions), got \(maxLength)", argument: "maxLength")
        }
    }

    /// The wordpieces, ids, token types and attention mask of a text (or pair), truncated to
    /// `maxLength` as the model would see it (no padding).
    public func tokenize(_ text: String, pair: String? = nil, maxLength: Int = 128) throws -> TokenizationReport {
        let model = try requireModel()
        try checkMaxLength(maxLength, for: model)
        let encoding = try model.tokenizer.encode(text, pair: pair, maxLength: maxLength)
        let full = try model.tokenizer.encode(text, pair: pair)
        return TokenizationReport(encoding: encoding, untruncatedCount: full.count, maxLength: maxLength)
    }

    /// Classifies texts: label, probabilities and logits for each.
    ///
    ///     let predictions = try session.predict(["a gripping story", "a waste of time"])
    ///     predictions.items[0].label   // "positive"
    public func predict(_ texts: [String], maxLength: Int = 128) throws -> PredictionReport {
        let model = try requireModel()
        try checkMaxLength(maxLength, for: model)
        guard !texts.isEmpty else { throw SessionError(.argument, "predict needs at least one text", argument: "texts") }
        guard model.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        let predictor = Predictor(network: model.network, tokenizer: model.tokenizer)
        let examples = try predictor.encode(texts, maxLength: maxLength)
        let logits = try predictor.logits(examples, batchSize: 32, checkInterrupt: { try self.checkInterrupt() })
        if logits.contains(where: { $0.contains { !$0.isFinite } }) {
            throw SessionError(.numeric, "the model produced non-finite logits; its weights may be corrupt")
        }
        let names = model.labelNames
        let items = zip(texts, logits).map { text, row -> PredictionReport.Item in
            let probabilities = Predictor.softmax(row)
            let id = Predictor.argmax(row)
            return PredictionReport.Item(text: text, labelID: id, label: names[id], probabilities: probabilities, logits: row)
        }
        return PredictionReport(labelNames: names, items: items)
    }
}
