import Bert
import Foundation
import TextDatasets
import WordPiece

/// How `explain` attributes a prediction.
public enum ExplainMethod: String, CaseIterable, Sendable {
    /// Integrated gradients at the embeddings' output (captum's LayerIntegratedGradients).
    case integratedGradients
    /// Each word replaced by [MASK] in turn: the change in the target's probability.
    case occlusion
}

/// What replaces the tokens of the input for the integrated-gradients baseline ([CLS] and [SEP]
/// are kept, as in captum's BERT tutorial).
public enum ExplainBaseline: String, CaseIterable, Sendable {
    case pad, mask, unk
}

/// `explain(text, ...)` and `explain(errors:)`: the typed API behind the commands.
extension Session {
    /// Explains the model's output for one text (or pair).
    ///
    ///     let report = try session.explain("a wonderful film", target: "positive")
    ///     report.explanations[0].words.map(\.score)
    ///
    /// - target: a label name; nil for the predicted label (single-label), every predicted label
    ///   (multi-label; the most probable when none reaches 0.5), the value (regression, where
    ///   `target` must stay nil)
    /// - steps: integration steps (integrated gradients only)
    public func explain(_ text: String, pair: String? = nil, target: String? = nil,
                        method: ExplainMethod = .integratedGradients, steps: Int = 50,
                        baseline: ExplainBaseline = .pad, maxLength: Int = 128) throws -> ExplainReport {
        let model = try requireClassifierForExplain()
        try checkMaxLength(maxLength, for: model)
        try Self.checkSteps(steps)
        let encoding = try model.tokenizer.encode(text, pair: pair, maxLength: maxLength)
        let inference = try model.network.infer(try BertBatch(inputIds: [encoding.ids], tokenTypeIds: [encoding.typeIds]))
        let logits = inference.logits ?? []
        let targets = try explainTargets(target, logits: logits, model: model)
        let explanations = try targets.map { index in
            try explain(encoding, text: text, pair: pair, logits: logits, target: index, model: model, method: method,
                        steps: steps, baseline: baseline)
        }
        return ExplainReport(explanations: explanations)
    }

    /// Explains the `count` most confidently wrong examples of `split`, each for the label the
    /// model predicted (why did it say that?). Needs a single-label dataset.
    public func explainErrors(_ count: Int = 5, split name: String = "validation", method: ExplainMethod = .integratedGradients,
                              steps: Int = 50, baseline: ExplainBaseline = .pad, maxLength: Int = 128) throws -> ExplainReport {
        let model = try requireClassifierForExplain()
        try checkMaxLength(maxLength, for: model)
        try Self.checkSteps(steps)
        guard (1...100).contains(count) else {
            throw SessionError(.argument, "errors must be between 1 and 100, got \(count)", argument: "errors")
        }
        guard let split = TextDataset.Split(rawValue: name) else {
            throw SessionError(.argument, "split must be \"train\", \"validation\" or \"test\", got \"\(name)\"", argument: "split")
        }
        let data = try requireDataset().dataset
        guard data.task == .singleLabel, model.config.resolvedProblemType == .singleLabel else {
            throw SessionError(.state, "explain(errors:) needs a single-label classification dataset and model; "
                               + "explain(\"text\") works for every task")
        }
        guard data.labelMap.names == model.labelNames else {
            throw SessionError(.state, "the model's labels (\(model.labelNames.joined(separator: ", "))) are not the dataset's "
                               + "(\(data.labelMap.names.joined(separator: ", "))); train it first")
        }
        let examples = data[split]
        guard !examples.isEmpty else { throw SessionError(.state, "the \(name) split is empty", argument: "split") }
        let predictor = Predictor(network: model.network, tokenizer: model.tokenizer)
        let encoded = try predictor.encode(examples.map(\.text), pairs: examples.map(\.pair), maxLength: maxLength)
        let logits = try predictor.logits(encoded, batchSize: 32, checkInterrupt: { try self.checkInterrupt() })
        let mistakes = ConfidentMistakes.select(trueLabels: examples.map(\.label.classID).map { $0 ?? -1 },
                                                probabilities: logits.map(Predictor.softmax), count: count)
        var explanations: [ExplainReport.Explanation] = []
        for mistake in mistakes {
            let example = examples[mistake.index]
            let encoding = try model.tokenizer.encode(example.text, pair: example.pair, maxLength: maxLength)
            var explanation = try explain(encoding, text: example.text, pair: example.pair, logits: logits[mistake.index],
                                          target: mistake.predictedLabel, model: model, method: method, steps: steps,
                                          baseline: baseline)
            explanation.trueLabel = model.labelNames[mistake.trueLabel]
            explanations.append(explanation)
        }
        return ExplainReport(explanations: explanations, errorsOf: name, errorCount: mistakes.count)
    }

    private func requireClassifierForExplain() throws -> LoadedModel {
        let model = try requireModel()
        guard model.hasClassifier else {
            throw SessionError(.state, "explain needs a model with a classifier head; the model \(model.source) has "
                               + "\(model.network.heads): load it with load(model: ..., labels: 2) and train it")
        }
        return model
    }

    static func checkSteps(_ steps: Int) throws {
        guard (2...1000).contains(steps) else {
            throw SessionError(.argument, "steps must be between 2 and 1000, got \(steps)", argument: "steps")
        }
    }

    /// The class ids to explain: the one named, or the predictions.
    private func explainTargets(_ target: String?, logits: [Float], model: LoadedModel) throws -> [Int] {
        let task = model.config.resolvedProblemType
        if task == .regression {
            guard target == nil else {
                throw SessionError(.argument, "the model predicts a value (regression); explain explains that value, so "
                                   + "leave out target:", argument: "target")
            }
            return [0]
        }
        let names = model.labelNames
        if let target {
            guard let index = names.firstIndex(of: target) else {
                throw SessionError(.argument, "target \"\(target)\" is not a label; the labels are "
                                   + names.map { "\"\($0)\"" }.joined(separator: ", ") + Suggestions.didYouMean(target, in: names),
                                   argument: "target")
            }
            return [index]
        }
        if task == .multiLabel {
            let probabilities = Predictor.sigmoid(logits)
            let chosen = probabilities.indices.filter { Double(probabilities[$0]) >= EvaluationReport.threshold }
            return chosen.isEmpty ? [Predictor.argmax(logits)] : chosen
        }
        return [Predictor.argmax(logits)]
    }

    private func explain(_ encoding: BertEncoding, text: String, pair: String?, logits: [Float], target: Int,
                         model: LoadedModel, method: ExplainMethod, steps: Int,
                         baseline: ExplainBaseline) throws -> ExplainReport.Explanation {
        let task = model.config.resolvedProblemType
        let probabilities = Predictor.probabilities(logits, task: task)
        let words = ExplainReport.words(of: encoding, text: text, pair: pair)
        var explanation = ExplainReport.Explanation(
            text: text, pair: pair, tokens: encoding.tokens, method: method,
            target: task == .regression ? "value" : model.labelNames[target], targetIndex: target,
            predicted: task == .singleLabel ? model.labelNames[Predictor.argmax(logits)] : nil,
            probability: probabilities.isEmpty ? nil : Double(probabilities[target]), value: Double(logits[target]),
            words: words)
        let tokenizer = model.tokenizer
        switch method {
        case .integratedGradients:
            let replacement = switch baseline {
            case .pad: tokenizer.paddingTokenId
            case .mask: tokenizer.maskTokenId
            case .unk: tokenizer.unknownTokenId
            }
            let baselineIds = encoding.ids.indices.map { encoding.specialTokensMask[$0] == 1 ? encoding.ids[$0] : replacement }
            let ig = IntegratedGradients(network: model.network)
            let result = try ig.attribute(ids: encoding.ids.map(Int32.init), typeIds: encoding.typeIds.map(Int32.init),
                                          baselineIds: baselineIds.map(Int32.init), target: target, steps: steps,
                                          checkInterrupt: { try self.checkInterrupt() })
            explanation.tokenScores = result.tokenAttributions
            explanation.integration = .init(steps: steps, baseline: baseline, inputValue: result.inputValue,
                                            baselineValue: result.baselineValue)
            for w in explanation.words.indices {
                explanation.words[w].score = explanation.words[w].tokens.reduce(0) { $0 + result.tokenAttributions[$1] }
            }
        case .occlusion:
            // Row 0 is the text itself; row 1 + k has every wordpiece of word k replaced by [MASK].
            let occluded = words.indices.filter { !words[$0].special }
            var rows = [EncodedExample(encoding)]
            for w in occluded {
                var example = EncodedExample(encoding)
                for t in words[w].tokens { example.ids[t] = Int32(tokenizer.maskTokenId) }
                rows.append(example)
            }
            let predictor = Predictor(network: model.network, tokenizer: tokenizer)
            let out = try predictor.logits(rows, batchSize: 32, checkInterrupt: { try self.checkInterrupt() })
            func score(_ row: [Float]) -> Double {
                task == .regression ? Double(row[target]) : Double(Predictor.probabilities(row, task: task)[target])
            }
            let original = score(out[0])
            for (k, w) in occluded.enumerated() { explanation.words[w].score = original - score(out[k + 1]) }
        }
        guard explanation.words.allSatisfy({ $0.score.isFinite }) else {
            throw SessionError(.numeric, "the attributions are not finite; the model's weights may be corrupt")
        }
        return explanation
    }
}
