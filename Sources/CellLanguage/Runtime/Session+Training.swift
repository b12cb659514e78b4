import Bert
import Display
import Foundation
import TextDatasets

/// The hyper-parameters of `train(...)`, with the command's defaults.
public struct TrainOptions: Equatable {
    public var epochs = 3
    public var lr = 5e-5
    public var batch = 32
    public var maxLength = 128
    /// Fraction of this run's optimizer steps spent warming up (first run only).
    public var warmup = 0.0
    public var weightDecay = 0.01
    public var seed = 42
    /// Maximum gradient norm; nil for no clipping.
    public var clip: Double? = 1.0
    public var accumulate = 1
    /// Epochs without a lower validation loss before stopping (the best weights are restored).
    public var patience: Int?
    /// Balanced class weights in the loss (n / (L · count(class))).
    public var classWeights = false

    public init(epochs: Int = 3, lr: Double = 5e-5, batch: Int = 32, maxLength: Int = 128, warmup: Double = 0,
                weightDecay: Double = 0.01, seed: Int = 42, clip: Double? = 1.0, accumulate: Int = 1,
                patience: Int? = nil, classWeights: Bool = false) {
        self.epochs = epochs
        self.lr = lr
        self.batch = batch
        self.maxLength = maxLength
        self.warmup = warmup
        self.weightDecay = weightDecay
        self.seed = seed
        self.clip = clip
        self.accumulate = accumulate
        self.patience = patience
        self.classWeights = classWeights
    }

    /// Rejects absurd values with an `ArgumentError` naming the argument.
    func validate(maxPositions: Int) throws {
        func fail(_ argument: String, _ message: String) -> SessionError { SessionError(.argument, message, argument: argument) }
        guard (1...10_000).contains(epochs) else { throw fail("epochs", "epochs must be between 1 and 10000, got \(epochs)") }
        guard lr.isFinite, lr > 0, lr < 1 else {
            throw fail("lr", "lr must be a learning rate in (0, 1), e.g. 5e-5; got \(Value.format(lr))")
        }
        guard (1...65_536).contains(batch) else { throw fail("batch", "batch must be between 1 and 65536, got \(batch)") }
        guard maxLength >= 2, maxLength <= maxPositions else {
            throw fail("maxLength", "maxLength must be between 2 and the model's max_position_embeddings \(maxPositions), got \(maxLength)")
        }
        guard warmup.isFinite, warmup >= 0, warmup <= 1 else {
            throw fail("warmup", "warmup must be a fraction of the steps in [0, 1], got \(Value.format(warmup))")
        }
        guard weightDecay.isFinite, weightDecay >= 0, weightDecay < 1 else {
            throw fail("weightDecay", "weightDecay must be in [0, 1), got \(Value.format(weightDecay))")
        }
        guard seed >= 0 else { throw fail("seed", "seed must not be negative, got \(seed)") }
        if let clip, !(clip.isFinite && clip > 0) {
            throw fail("clip", "clip must be a positive gradient norm (or nil for none), got \(Value.format(clip))")
        }
        guard (1...4096).contains(accumulate) else { throw fail("accumulate", "accumulate must be between 1 and 4096, got \(accumulate)") }
        if let patience, !(1...10_000).contains(patience) {
            throw fail("patience", "patience must be a positive number of epochs, got \(patience)")
        }
    }
}

/// `train`, `evaluate` and `save`: the typed API behind the commands.
extension Session {
    /// Fine-tunes the model's classifier on the dataset's training split (see `Trainer`).
    /// Progress goes to `output` as one display updated in place, and a line per epoch.
    /// A second call continues the optimizer (moments, step count, schedule extended).
    /// An interrupt stops at the next batch boundary with `KeyboardInterrupt`; the steps done
    /// stay applied and recorded.
    @discardableResult
    public func train(_ options: TrainOptions = TrainOptions(), output: OutputSink? = nil) throws -> TrainingReport {
        var model = try requireModel()
        try options.validate(maxPositions: model.maxPositions)
        var data = try requireDataset().dataset
        guard data.task == .singleLabel else {
            throw SessionError(.state, "train supports single-label classification; the dataset is \(data.task.rawValue)")
        }
        guard model.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        let (alignedModel, alignedData, _) = try align(model, data)
        if alignedModel !== model {
            setComponent(alignedModel)
            setComponent(nil, as: OptimizerState.self)
        }
        if alignedData.labelMap != data.labelMap { setComponent(LoadedDataset(alignedData)) }
        model = alignedModel
        data = alignedData
        guard !data.train.isEmpty else { throw SessionError(.state, "the dataset has no training examples") }
        if options.patience != nil, data.validation.isEmpty {
            throw SessionError(.argument, "patience needs a validation split; load the dataset with validation: 0.1",
                               argument: "patience")
        }
        let L = model.labelNames.count
        let classCounts = data.labelCounts(in: .train)
        if classCounts.filter({ $0 > 0 }).count < 2 {
            throw SessionError(.state, "the training split has a single class (\(data.labelMap.names.enumerated().filter { classCounts[$0.offset] > 0 }.map(\.element).joined(separator: ", "))); a classifier needs at least two")
        }

        // Encode once; lengths before truncation are kept for plot("lengths").
        var lengths: [Int] = []
        func encode(_ examples: [Example], keepLengths: Bool) throws -> [EncodedExample] {
            var encoded: [EncodedExample] = []
            encoded.reserveCapacity(examples.count)
            for (i, example) in examples.enumerated() {
                if i % 512 == 0 { try checkInterrupt() }
                guard let label = example.label.classID, label < L else {
                    throw SessionError(.state, "an example (line \(example.line)) has a label the model does not know")
                }
                var encoding = try model.tokenizer.encode(example.text, pair: example.pair)
                if keepLengths { lengths.append(encoding.count) }
                if encoding.count > options.maxLength {
                    encoding = try model.tokenizer.encode(example.text, pair: example.pair, maxLength: options.maxLength)
                }
                encoded.append(EncodedExample(encoding, label: label))
            }
            return encoded
        }
        let trainExamples = try encode(data.train, keepLengths: true)
        let validationExamples = try encode(data.validation, keepLengths: false)

        let optimizerState: OptimizerState
        if let existing = optimizer {
            optimizerState = existing
        } else {
            optimizerState = OptimizerState(step: try TrainingStep(network: model.network,
                                                                   options: .init(learningRate: Float(options.lr), totalSteps: 1)))
            setComponent(optimizerState)
        }
        let trainer = Trainer(step: optimizerState.step, paddingId: model.tokenizer.paddingTokenId)
        let trainerOptions = Trainer.Options(
            epochs: options.epochs, learningRate: options.lr, batchSize: options.batch, warmup: options.warmup,
            weightDecay: options.weightDecay, seed: UInt64(options.seed), clip: options.clip, accumulate: options.accumulate,
            patience: options.patience,
            classWeights: options.classWeights ? LossOptions.balancedWeights(labels: data.train.compactMap(\.label.classID), classes: L) : nil)

        // The history is stored after every epoch and on the way out, so an interrupted or
        // failed run keeps what it measured.
        var history = self.history
        history.tokenLengths = lengths
        history.maxLength = options.maxLength
        let firstEpochNumber = (history.epochs.last?.epoch ?? 0) + 1
        let totalSteps = trainerOptions.stepsPerEpoch(count: trainExamples.count) * options.epochs
        let progress = output.map { ProgressBar(output: $0, title: "train", total: totalSteps, unit: "step") }
        defer { setComponent(history) }
        let outcome = try trainer.run(
            train: trainExamples, validation: validationExamples, options: trainerOptions,
            onStep: { event in
                model.classifierIsFresh = false
                history.steps.append(.init(step: event.globalStep, epoch: Double(event.epoch) + event.epochFraction,
                                           loss: event.loss, learningRate: event.learningRate))
                progress?.update(event.runStep, samples: event.samples, metrics: [
                    ("epoch", "\(event.epoch + 1)/\(options.epochs)"), ("loss", String(format: "%.4f", event.loss)),
                    ("lr", String(format: "%.2e", event.learningRate)),
                ])
            },
            onEpoch: { event in
                let record = TrainingHistory.EpochRecord(
                    epoch: firstEpochNumber + event.epoch, step: event.globalStep, trainLoss: event.trainLoss,
                    trainAccuracy: event.trainAccuracy, validationLoss: event.validationLoss,
                    validationAccuracy: event.validationAccuracy)
                history.epochs.append(record)
                self.setComponent(history)
                output?.stream(.stdout, TrainingReport.epochLine(record, of: options.epochs, first: firstEpochNumber) + "\n")
            },
            checkInterrupt: { try self.checkInterrupt() })
        progress?.finish(outcome.steps, samples: history.steps.isEmpty ? nil : trainExamples.count * outcome.epochs.count, metrics: [("loss", String(format: "%.4f", history.steps.last?.loss ?? 0))])
        return TrainingReport(options: options, outcome: outcome, epochs: Array(history.epochs.suffix(outcome.epochs.count)),
                              optimizerStep: optimizerState.step.step, examples: trainExamples.count,
                              validationExamples: validationExamples.count)
    }

    /// Accuracy, per-class precision/recall/F1, macro F1, the confusion matrix and the most
    /// confidently wrong examples on `split` ("validation", "test" or "train").
    public func evaluate(split name: String = "validation", maxLength: Int = 128, batch: Int = 64,
                         output: OutputSink? = nil) throws -> EvaluationReport {
        guard let split = TextDataset.Split(rawValue: name) else {
            throw SessionError(.argument, "split must be \"train\", \"validation\" or \"test\", got \"\(name)\"", argument: "split")
        }
        let model = try requireModel()
        try checkMaxLength(maxLength, for: model)
        var data = try requireDataset().dataset
        guard data.task == .singleLabel else {
            throw SessionError(.state, "evaluate supports single-label classification; the dataset is \(data.task.rawValue)")
        }
        guard model.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        let (alignedModel, alignedData, _) = try align(model, data)
        guard alignedModel === model else {
            throw SessionError(.state, "the model's classifier has \(model.labelNames.count) labels but the dataset has "
                               + "\(data.labelMap.count); train it first")
        }
        data = alignedData
        let examples = data[split]
        guard !examples.isEmpty else {
            throw SessionError(.state, "the \(name) split is empty" + (split == .test ? "; load the dataset with test: \"file\""
                                                                       : split == .validation ? "; load the dataset with validation: 0.1" : ""),
                               argument: "split")
        }
        let predictor = Predictor(network: model.network, tokenizer: model.tokenizer)
        let encoded = try predictor.encode(examples.map(\.text), pairs: examples.map(\.pair),
                                           labels: examples.map { $0.label.classID ?? -1 }, maxLength: maxLength)
        let progress = output.map { ProgressBar(output: $0, title: "evaluate \(name)", total: encoded.count, unit: "example") }
        var done = 0
        let result = try Evaluation(network: model.network, paddingId: model.tokenizer.paddingTokenId)
            .run(encoded, batchSize: batch, checkInterrupt: {
                try self.checkInterrupt()
                progress?.update(done, samples: done)
                done = min(done + batch, encoded.count)
            })
        progress?.finish(encoded.count, samples: encoded.count)
        let metrics = try ClassificationMetrics(trueLabels: result.labels, predictedLabels: result.predictions,
                                                labelNames: model.labelNames)
        let mistakes = ConfidentMistakes.select(trueLabels: result.labels, probabilities: result.probabilities, count: 5)
        var history = self.history
        history.lastConfusion = .init(split: name, labelNames: model.labelNames, matrix: metrics.confusion)
        setComponent(history)
        return EvaluationReport(split: name, metrics: metrics, loss: result.loss,
                                mistakes: mistakes.map { ($0, examples[$0.index]) })
    }

    /// Writes the model as a Hugging Face directory (`config.json` with `id2label`/`label2id`,
    /// `model.safetensors`, `vocab.txt`, `tokenizer_config.json`), atomically.
    @discardableResult
    public func save(to path: String) throws -> URL {
        let model = try requireModel()
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SessionError(.argument, "save needs a directory path", argument: "to")
        }
        let expanded = (path as NSString).expandingTildeInPath
        let url = URL(fileURLWithPath: expanded).standardizedFileURL
        try model.network.updateConfig { config in
            if model.hasClassifier { config.problemType = "single_label_classification" }
        }
        try BertCheckpoint.save(model.network, to: url, extraFiles: TokenizerFiles.files(for: model.tokenizer))
        return url
    }
}
