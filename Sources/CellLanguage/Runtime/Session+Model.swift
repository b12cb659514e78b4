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
    ///
    /// A name found nowhere on this machine is downloaded from the Hugging Face hub (`revision`:
    /// a branch, tag or commit, default main) into its standard cache, unless `HF_HUB_OFFLINE`
    /// is set; `output` gets the download's progress.
    @discardableResult
    public func load(model name: String, labels: Int? = nil, revision: String? = nil, output: OutputSink? = nil) throws -> ModelSummary {
        if let labels, !(1...100_000).contains(labels) {
            throw SessionError(.argument, "labels must be a number of classes between 1 and 100000, got \(labels)", argument: "labels")
        }
        let directory = try locateOrDownload(name, revision: revision, output: output)
        let configURL = directory.appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw SessionError(.file, "\(directory.path) has no config.json (a model directory holds config.json, "
                               + "model.safetensors or pytorch_model.bin, and vocab.txt or tokenizer.json)", argument: "model")
        }
        let config = try BertConfig(contentsOf: configURL)
        // The heads the weights carry count too (bert-base-uncased: BertForMaskedLM with an NSP head).
        let checkpointHeads = BertHeads(architecture: config.architectures.first ?? "BertModel")
            .union((try? BertCheckpoint.headsInWeights(of: directory)) ?? [])
        let labelNames: [String]
        if let labels {
            labelNames = labels == config.numLabels ? config.labelNames : (0..<labels).map { "LABEL_\($0)" }
        } else if !checkpointHeads.contains(.classifier), let data = dataset?.dataset, !Self.classifierLabels(for: data).isEmpty {
            labelNames = Self.classifierLabels(for: data)
        } else {
            labelNames = config.labelNames
        }
        let (network, report) = try BertCheckpoint.load(from: directory, heads: checkpointHeads.union(.sequenceClassification),
                                                        labels: labelNames)
        let tokenizer = try BertTokenizer(directory: directory)
        if tokenizer.vocabularySize > network.config.vocabSize {
            throw SessionError(.format, Self.vocabularyMismatch(tokenizer, vocabSize: network.config.vocabSize,
                                                                directory: directory), argument: "model")
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

    /// Why the tokenizer has more ids than the embeddings have rows. A special token missing
    /// from vocab.txt is given a new id past the vocabulary (as transformers does), so the usual
    /// cause is a vocabulary without [CLS] or [SEP]: name it rather than blame vocab_size.
    static func vocabularyMismatch(_ tokenizer: BertTokenizer, vocabSize: Int, directory: URL) -> String {
        let specials = [tokenizer.paddingToken, tokenizer.unknownToken, tokenizer.classifierToken,
                        tokenizer.separatorToken, tokenizer.maskToken]
        let missing = specials.filter { special in
            tokenizer.addedTokens.contains { $0.content == special && $0.id >= tokenizer.baseVocabularySize }
        }
        if !missing.isEmpty {
            let names = missing.joined(separator: " and ")
            return "\(directory.path): the vocabulary (vocab.txt or tokenizer.json) has no \(names) token"
                + (missing.count > 1 ? "s" : "") + "; BERT needs [PAD], [UNK], [CLS], [SEP] and [MASK]. Add \(names) "
                + "to the vocabulary, or name the token it uses instead in tokenizer_config.json (cls_token, sep_token, ...)"
        }
        return "\(directory.path): the tokenizer has \(tokenizer.vocabularySize) tokens but config.json's vocab_size is \(vocabSize)"
    }

    /// The classifier outputs a dataset asks for: its class names, or for regression one output
    /// named after the label column.
    static func classifierLabels(for data: TextDataset) -> [String] {
        data.task == .regression ? [data.labelColumn] : data.labelMap.names
    }

    /// Makes the model's classifier and the dataset agree on the task, the label names and ids:
    /// a fresh classifier takes the dataset's task (`problem_type`) and labels (re-initialised
    /// when the count differs; one output for regression); a trained one keeps its labels and
    /// the dataset is renumbered to them, and its `problem_type`, when set, must be the
    /// dataset's task (when unset it becomes the dataset's, as transformers decides it from the
    /// labels at the first loss).
    /// Returns the (possibly new) model, the (possibly renumbered) dataset and what was done.
    func align(_ model: LoadedModel, _ data: TextDataset) throws -> (LoadedModel, TextDataset, String?) {
        let wanted = Self.classifierLabels(for: data)
        guard model.hasClassifier, !wanted.isEmpty else { return (model, data, nil) }
        let task = data.task
        if model.classifierIsFresh {
            if model.labelNames == wanted || model.labelNames.count == wanted.count {
                let renamed = model.labelNames != wanted
                try model.network.updateConfig {
                    $0.setLabels(wanted)
                    $0.problemType = task.rawValue
                }
                return (model, data, renamed ? "the classifier's labels are now the dataset's: \(wanted.joined(separator: ", "))" : nil)
            }
            guard let directory = model.directory else {
                throw SessionError(.state, "the model has \(model.labelNames.count) labels but the dataset has \(wanted.count)")
            }
            let (network, report) = try BertCheckpoint.load(from: directory, heads: model.network.heads, labels: wanted)
            try network.updateConfig { $0.problemType = task.rawValue }
            let resized = LoadedModel(network: network, tokenizer: model.tokenizer, source: model.source, directory: directory,
                                      report: report, classifierIsFresh: true)
            return (resized, data, task == .regression
                ? "the classifier was re-initialised with one output for regression"
                : "the classifier was re-initialised for the dataset's \(wanted.count) labels: " + wanted.joined(separator: ", "))
        }
        if let declared = model.config.problemType, declared != task.rawValue {
            throw SessionError(.state, "the model's classifier was trained for \(declared) but the dataset is \(task.rawValue) "
                               + "(decided by its label column); load a model without a classifier to train a new one")
        }
        func adopt(_ result: (LoadedModel, TextDataset, String?)) throws -> (LoadedModel, TextDataset, String?) {
            if model.config.problemType == nil { try model.network.updateConfig { $0.problemType = task.rawValue } }
            return result
        }
        if task == .regression {
            guard model.labelNames.count == 1 else {
                throw SessionError(.state, "the dataset is a regression task but the model's classifier has "
                                   + "\(model.labelNames.count) labels (\(model.labelNames.joined(separator: ", "))); "
                                   + "load the model with load(model: ..., labels: 1) for a new one-output classifier")
            }
            return try adopt((model, data, nil))
        }
        if model.labelNames == wanted { return try adopt((model, data, nil)) }
        if let target = try? LabelMap(names: model.labelNames), let remapped = try? data.remapped(to: target) {
            return try adopt((model, remapped, nil))
        }
        let generic = model.labelNames.enumerated().allSatisfy { $0.element == "LABEL_\($0.offset)" }
        if generic && model.labelNames.count == wanted.count {
            try model.network.updateConfig { $0.setLabels(wanted) }
            return try adopt((model, data, "the model's labels LABEL_0... are now named after the dataset's: \(wanted.joined(separator: ", "))"))
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

    /// Runs texts through the classifier, as the model's task (`problem_type`) reads its logits:
    /// the arg-max label and the softmax probabilities (single-label), every label whose sigmoid
    /// is at least 0.5 and each label's sigmoid (multi-label), or the value (regression); and
    /// the logits.
    ///
    ///     let predictions = try session.predict(["a gripping story", "a waste of time"])
    ///     predictions.items[0].label   // "positive"
    /// - maxLength: nil for the one the model was last trained with (`defaultMaxLength`)
    ///
    /// With `windows`, a long text is scored by its sliding windows' aggregated logits.
    public func predict(_ texts: [String], maxLength: Int? = nil, windows: TextWindows? = nil) throws -> PredictionReport {
        let maxLength = defaultMaxLength(maxLength)
        let model = try requireModel()
        try checkMaxLength(maxLength, for: model)
        try checkWindows(windows, for: model)
        guard !texts.isEmpty else { throw SessionError(.argument, "predict needs at least one text", argument: "texts") }
        guard model.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        let predictor = Predictor(network: model.network, tokenizer: model.tokenizer)
        let logits = try predictor.textLogits(texts, maxLength: maxLength, windows: windows, batchSize: 32,
                                              checkInterrupt: { try self.checkInterrupt() }).logits
        if logits.contains(where: { $0.contains { !$0.isFinite } }) {
            throw SessionError(.numeric, "the model produced non-finite logits; its weights may be corrupt")
        }
        let task = model.config.resolvedProblemType
        let items = zip(texts, logits).map { text, row -> PredictionReport.Item in
            let probabilities = Predictor.probabilities(row, task: task)
            let ids: [Int]
            switch task {
            case .singleLabel: ids = [Predictor.argmax(row)]
            case .multiLabel: ids = probabilities.indices.filter { Double(probabilities[$0]) >= EvaluationReport.threshold }
            case .regression: ids = []
            }
            return PredictionReport.Item(text: text, labelIDs: ids, labels: ids.map { model.labelNames[$0] },
                                         probabilities: probabilities, logits: row,
                                         value: task == .regression ? Double(row[0]) : nil,
                                         label: task == .singleLabel ? model.labelNames[ids[0]] : nil)
        }
        return PredictionReport(task: task, labelNames: model.labelNames, items: items)
    }
}
