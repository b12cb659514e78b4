import Bert
import Display
import Foundation
import Numerics
import TextDatasets
import WordPiece

/// What `pretrain` reports at the end.
public struct PretrainingSummary {
    public let corpus: String
    public let options: PretrainingOptions
    public let vocabulary: String
    public let parameterCount: Int
    public let records: [PretrainingRecord]
    public let pairsBuilt: Int
    public let pairsTruncated: Int
    public let seconds: Double

    public var json: JSON {
        let first = records.first, last = records.last
        func loss(_ value: Float?) -> JSON { value.map { .double(Double($0)) } ?? .null }
        return .object([
            "corpus": .string(corpus), "steps": .int(records.count), "layers": .int(options.layers), "hidden": .int(options.hidden),
            "heads": .int(options.heads), "max_length": .int(options.maxLength), "batch": .int(options.batchSize),
            "lr": .double(Self.decimal(options.learningRate)), "vocabulary": .string(vocabulary), "parameters": .int(parameterCount),
            "pairs_built": .int(pairsBuilt), "pairs_truncated": .int(pairsTruncated), "seconds": .double(seconds),
            "first_mlm_loss": loss(first?.maskedLMLoss), "last_mlm_loss": loss(last?.maskedLMLoss),
            "first_nsp_loss": loss(first?.nextSentenceLoss), "last_nsp_loss": loss(last?.nextSentenceLoss),
            // Every step, as train's JSON carries them (`TrainingReport.stepSeries`), plus the two losses.
            "step_series": .array(records.map { r in
                ["step": .int(r.step), "loss": .double(Double(r.maskedLMLoss) + Double(r.nextSentenceLoss)),
                 "learning_rate": .double(Double(r.learningRate)), "mlm_loss": .double(Double(r.maskedLMLoss)),
                 "nsp_loss": .double(Double(r.nextSentenceLoss))]
            }),
        ])
    }

    /// The Float as the Double its shortest decimal spells (1e-3, not 0.0010000000474974513).
    static func decimal(_ x: Float) -> Double { Double("\(x)") ?? Double(x) }

    public var bundle: MimeBundle {
        func f(_ x: Float?) -> String { x.map { String(format: "%.4f", $0) } ?? "-" }
        // The mean over the last 10% of steps reads better than one noisy batch.
        let tail = records.suffix(max(1, records.count / 10))
        let meanMLM = tail.isEmpty ? nil : tail.map(\.maskedLMLoss).reduce(0, +) / Float(tail.count)
        let meanNSP = tail.isEmpty ? nil : tail.map(\.nextSentenceLoss).reduce(0, +) / Float(tail.count)
        let last = tail.count == 1 ? "the last step" : "mean of the last \(tail.count) steps"
        let table = HTMLTable(columns: ["", "value"], rows: [
            ["corpus", corpus],
            ["model", "\(options.layers) layers, hidden \(options.hidden), \(options.heads) heads, \(parameterCount) parameters"],
            ["vocabulary", vocabulary],
            ["steps", "\(records.count) of \(options.steps), batch \(options.batchSize), maxLength \(options.maxLength), lr \(Value.format(Self.decimal(options.learningRate)))"],
            ["pairs built", "\(pairsBuilt) (\(pairsTruncated) truncated to maxLength)"],
            ["MLM loss", "\(f(records.first?.maskedLMLoss)) at step 1, \(f(meanMLM)) \(last)"],
            ["NSP loss", "\(f(records.first?.nextSentenceLoss)) at step 1, \(f(meanNSP)) \(last)"],
            ["time", String(format: "%.1f s", seconds)],
        ], caption: "pre-training (masked LM + next sentence prediction)", rightAligned: [])
        let next = "The pre-trained model is now the session's model: try mask(...), nsp(...), plot(attention: ...), train(...) or save(to: ...)."
        return MimeBundle(plain: table.plainText + "\n" + next, html: table.html + "<p>\(HTML.escape(next))</p>", json: json)
    }
}

/// `pretrain(...)`: the typed API behind the command.
extension Session {
    /// Pre-trains a BERT from scratch with MLM + NSP on a corpus (`"demo"` or a text file, one
    /// sentence per line, blank lines between documents) and makes it the session's model.
    ///
    ///     var options = PretrainingOptions()
    ///     options.steps = 300
    ///     let summary = try session.pretrain(corpus: "demo", options: options)
    ///
    /// - vocabulary: `.corpus` (default) builds a small WordPiece vocabulary from the corpus
    ///   (`PretrainingVocabulary`: fast, and every corpus word is one token); `.model` uses the
    ///   loaded model's tokenizer (e.g. MiniLM's 30522 tokens: the MLM softmax then dominates
    ///   each step).
    /// - output: where the progress display goes (updated in place), nil for none.
    ///
    /// The new model carries the MLM and NSP heads and a fresh classifier (the loaded dataset's
    /// labels, or 2), so `train` can fine-tune it next. It replaces the previous model; the
    /// optimizer state and training history of that model are dropped. An interrupt stops at
    /// the next step: the steps done so far become the session's model, then `KeyboardInterrupt`.
    @discardableResult
    public func pretrain(corpus name: String = "demo", options: PretrainingOptions = PretrainingOptions(),
                         vocabulary: VocabularySource = .corpus, output: OutputSink? = nil) throws -> PretrainingSummary {
        do { try options.validate() } catch let error as BertError { throw SessionError(.argument, error.message) }
        if vocabulary == .model, model == nil {
            throw SessionError(.state, "vocab: \"model\" uses the loaded model's tokenizer, but no model is loaded; run "
                               + "load(model: ...) first or use vocab: \"corpus\"", argument: "vocab")
        }
        let corpus = try Self.loadCorpus(name)
        let (tokenizer, vocabularyPhrase) = try corpusTokenizer(corpus, source: vocabulary)
        let run = try PretrainingRun(documents: corpus.documents, tokenizer: tokenizer, options: options)
        let progress = output.map { ProgressBar(output: $0, title: "pretrain", total: options.steps, unit: "step") }
        let start = Date()
        func metrics(_ record: PretrainingRecord) -> [(String, String)] {
            [("MLM", String(format: "%.4f", record.maskedLMLoss)), ("NSP", String(format: "%.4f", record.nextSentenceLoss)),
             ("lr", String(format: "%.2e", record.learningRate))]
        }
        let source = "pretrain(corpus: \(Value.quoted(name)), steps: \(options.steps), layers: \(options.layers), "
            + "hidden: \(options.hidden), heads: \(options.heads), maxLength: \(options.maxLength))"
        // With R processes (`PretrainingRun.processGroup`) only rank 0 is interrupted: the ranks
        // agree before each step, so every one stops before the same step.
        let group = run.processGroup
        func agreedCheck() throws {
            guard group.size > 1 else { return try checkInterrupt() }
            var local: Error?
            do { try checkInterrupt() } catch { local = error }
            if try group.anyRank(local != nil) {
                throw local ?? SessionError(.interrupt, "pre-training was interrupted on another rank")
            }
        }
        do {
            while run.step < options.steps {
                try agreedCheck()
                let record = try run.runStep()
                progress?.update(record.step, samples: record.step * options.batchSize, metrics: metrics(record))
            }
        } catch let error as SessionError where error.kind == .interrupt {
            progress?.finish(run.step, metrics: run.records.last.map(metrics) ?? [])
            guard run.step > 0 else { throw error }
            try install(run, corpus: corpus.name, source: source)
            throw SessionError(.interrupt, "pre-training was interrupted after \(run.step) of \(options.steps) steps; the "
                               + "model pre-trained so far is the session's model")
        }
        progress?.finish(run.step, samples: run.step * options.batchSize, metrics: run.records.last.map(metrics) ?? [])
        let network = try install(run, corpus: corpus.name, source: source)
        return PretrainingSummary(corpus: corpus.name, options: options, vocabulary: vocabularyPhrase,
                                  parameterCount: network.parameterCount, records: run.records,
                                  pairsBuilt: run.batches.pairsBuilt, pairsTruncated: run.batches.pairsTruncated,
                                  seconds: Date().timeIntervalSince(start))
    }

    /// Makes the run's model the session's: the pre-trained weights plus a fresh classifier
    /// (initialised as transformers does), and the run's losses as the pre-training history.
    @discardableResult
    private func install(_ run: PretrainingRun, corpus: String, source: String) throws -> BertNetwork {
        var config = run.network.config
        if let data = dataset?.dataset, data.task == .singleLabel, data.labelMap.names.count >= 1 {
            config.setLabels(data.labelMap.names)
        } else {
            config.setLabels(["LABEL_0", "LABEL_1"])
        }
        var generator = SeededGenerator(seed: run.options.seed &+ 2)
        let network = try BertNetwork.grafting(run.network, config: config, heads: BertHeads.preTraining.union(.sequenceClassification),
                                               using: &generator).network
        setComponent(LoadedModel(network: network, tokenizer: run.tokenizer, source: source, classifierIsFresh: true))
        setComponent(nil, as: OptimizerState.self)
        setComponent(nil, as: TrainingHistory.self)
        setComponent(PretrainingHistory(records: run.records, corpus: corpus, options: run.options))
        return network
    }
}
