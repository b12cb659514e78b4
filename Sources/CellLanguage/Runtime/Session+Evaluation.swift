import Bert
import Display
import Foundation
import TextDatasets

/// `evaluate`: the typed API behind the command.
extension Session {
    /// The metrics of the dataset's task on `split` ("validation", "test" or "train"):
    /// - single-label: accuracy, per-class precision/recall/F1, macro F1, the confusion matrix and
    ///   the most confidently wrong examples;
    /// - multi-label (a label is predicted when its sigmoid is at least 0.5): subset accuracy,
    ///   micro and macro precision/recall/F1, Hamming loss, per-class precision/recall/F1 and the
    ///   examples with the most confidently wrong label decision;
    /// - regression: MSE, MAE, Pearson's and Spearman's correlation and the largest errors.
    /// - maxLength: nil for the one the model was last trained with (`defaultMaxLength`)
    /// With `windows`, each text is scored by its sliding windows' aggregated logits (`maxLength`
    /// then does not apply), and every metric is per text.
    public func evaluate(split name: String = "validation", maxLength: Int? = nil, batch: Int = 64,
                         windows: TextWindows? = nil, output: OutputSink? = nil) throws -> EvaluationReport {
        let maxLength = defaultMaxLength(maxLength)
        guard let split = TextDataset.Split(rawValue: name) else {
            throw SessionError(.argument, "split must be \"train\", \"validation\" or \"test\", got \"\(name)\"", argument: "split")
        }
        let model = try requireModel()
        try checkMaxLength(maxLength, for: model)
        try checkWindows(windows, for: model)
        var data = try requireDataset().dataset
        guard model.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        let (alignedModel, alignedData, _) = try align(model, data)
        guard alignedModel === model else {
            throw SessionError(.state, "the model's classifier has \(model.labelNames.count) labels but the dataset has "
                               + "\(data.task == .regression ? "one value" : "\(data.labelMap.count)"); train it first")
        }
        data = alignedData
        let examples = data[split]
        guard !examples.isEmpty else {
            throw SessionError(.state, "the \(name) split is empty" + (split == .test ? "; load the dataset with test: \"file\""
                                                                       : split == .validation ? "; load the dataset with validation: 0.1" : ""),
                               argument: "split")
        }
        let predictor = Predictor(network: model.network, tokenizer: model.tokenizer)
        let encoded: [EncodedExample]
        var groups: WindowGroups?
        if let windows {
            (encoded, groups) = try predictor.encodeWindows(examples.map(\.text), pairs: examples.map(\.pair),
                                                            targets: examples.map(\.label), windows: windows,
                                                            describe: { "line \(examples[$0].line)" },
                                                            checkInterrupt: { try self.checkInterrupt() })
        } else {
            encoded = try predictor.encode(examples.map(\.text), pairs: examples.map(\.pair),
                                           targets: examples.map(\.label), maxLength: maxLength)
        }
        let progress = output.map { ProgressBar(output: $0, title: "evaluate \(name)", total: encoded.count,
                                                unit: groups == nil ? "example" : "window") }
        var done = 0
        let result = try Evaluation(network: model.network, paddingId: model.tokenizer.paddingTokenId)
            .run(encoded, batchSize: batch, groups: groups, checkInterrupt: {
                try self.checkInterrupt()
                progress?.update(done, samples: done)
                done = min(done + batch, encoded.count)
            })
        progress?.finish(encoded.count, samples: encoded.count)
        let names = model.labelNames
        let details: EvaluationReport.Details
        var history = self.history
        history.task = data.task
        history.lastConfusion = nil
        switch data.task {
        case .singleLabel:
            let metrics = try ClassificationMetrics(trueLabels: result.labels, predictedLabels: result.predictions, labelNames: names)
            let mistakes = ConfidentMistakes.select(trueLabels: result.labels, probabilities: result.probabilities, count: 5)
            history.lastConfusion = .init(split: name, labelNames: names, matrix: metrics.confusion)
            details = .singleLabel(metrics, mistakes: mistakes.map { ($0, examples[$0.index]) })
        case .multiLabel:
            let truth = examples.map { $0.label.classIDs ?? [] }
            let probabilities = result.probabilities.map { $0.map(Double.init) }
            let metrics = try MultiLabelMetrics(trueLabels: truth,
                                                predictedLabels: MultiLabelMetrics.predictions(probabilities: probabilities),
                                                labelNames: names)
            let mistakes = MultiLabelMistakes.select(trueLabels: truth, probabilities: probabilities, count: 5)
            details = .multiLabel(metrics, mistakes: mistakes.map { ($0, examples[$0.index]) })
        case .regression:
            let targets = examples.map { $0.label.value ?? .nan }
            let predictions = result.logits.map { Double($0[0]) }
            let metrics = try RegressionMetrics(targets: targets, predictions: predictions)
            let errors = LargestErrors.select(targets: targets, predictions: predictions, count: 5)
            details = .regression(metrics, largestErrors: errors.map { ($0, examples[$0.index]) })
        }
        setComponent(history)
        return EvaluationReport(split: name, loss: result.loss, details: details)
    }
}

extension Session {
    /// The `maxLength` of evaluating and predicting when none is given: the one of the last
    /// `train` of the loaded model (a model trained at 64 is evaluated on inputs as long as it
    /// was trained on), else 128. Loading a model clears the history, and with it this default.
    public func defaultMaxLength(_ given: Int?) -> Int { given ?? history.maxLength ?? 128 }
}
