import Bert
import Display
import Foundation
import Numerics
import TextDatasets

/// `train` and `save`: the typed API behind the commands.
extension Session {
    /// Fine-tunes the model's classifier on the dataset's training split (see `Trainer`).
    /// Progress goes to `output` as one display updated in place, and a line per epoch.
    /// A second call continues the optimizer (moments, step count, schedule extended).
    /// An interrupt stops at the next batch boundary with `KeyboardInterrupt`; the steps done
    /// stay applied and recorded.
    ///
    /// The dataset's task (decided by its label column) picks the loss, as transformers'
    /// `BertForSequenceClassification` picks it from `problem_type`, which is set to match:
    /// cross-entropy (single-label), binary cross-entropy per label (multi-label), mean squared
    /// error on one output (regression).
    ///
    /// Until its first optimizer step the call stores nothing: failing before it (an argument,
    /// state or numeric error, an interrupt) leaves the session exactly as it was (model, its
    /// config and weights, optimizer, history, dataset). From the first step on, the steps done
    /// are kept.
    ///
    /// `run` adds checkpoints (`Session+Checkpoints`), the best weights and resuming a run.
    /// `stopAfterEpoch` may end the run after an epoch's evaluation (`search`'s early stop; see
    /// `Trainer.RunControl.stopAfterEpoch`). After its first few steps the run prints one line
    /// estimating its duration (`ProgressBar.estimateLine`); the progress display keeps the ETA.
    @discardableResult
    public func train(_ options: TrainOptions = TrainOptions(), run: RunOptions = RunOptions(),
                      output: OutputSink? = nil,
                      stopAfterEpoch: @escaping (_ epoch: Int, _ metrics: [TrainerProgress.Metric]) -> Bool = { _, _ in false })
                      throws -> TrainingReport {
        let loadedModel = try requireModel()
        var model = loadedModel
        try options.checkDeclaredRanges()
        try checkMaxLength(options.maxLength, for: model)
        try checkWindows(options.windows, for: model)
        try options.checkFreeze(layers: model.config.numHiddenLayers)
        var data = try requireDataset().dataset
        try options.validate(for: data.task)
        guard model.hasClassifier else { throw SessionError(.state, "the model has no classifier head") }
        if data.task == .multiLabel, data.labelMap.count == 0 {
            throw SessionError(.state, "the multi-label dataset names no labels (every list is empty)")
        }
        // Aligning may rename the labels or set the problem type of the model's config in place;
        // that is undone unless a step is taken. Components are stored at the first step.
        let configBefore = loadedModel.network.config
        var committed = false
        defer { if !committed { try? loadedModel.network.updateConfig { $0 = configBefore } } }
        let (alignedModel, alignedData, _) = try align(model, data)
        let datasetChanged = alignedData.labelMap != data.labelMap
        model = alignedModel
        data = alignedData
        guard !data.train.isEmpty else { throw SessionError(.state, "the dataset has no training examples") }
        try checkRunOptions(run, task: data.task, hasValidation: !data.validation.isEmpty)
        if options.patience != nil, data.validation.isEmpty {
            throw SessionError(.argument, "patience needs a validation split; load the dataset with validation: 0.1",
                               argument: "patience")
        }
        let L = model.labelNames.count
        let classCounts = data.labelCounts(in: .train)
        if data.task == .singleLabel, classCounts.filter({ $0 > 0 }).count < 2 {
            throw SessionError(.state, "the training split has a single class (\(data.labelMap.names.enumerated().filter { classCounts[$0.offset] > 0 }.map(\.element).joined(separator: ", "))); a classifier needs at least two")
        }

        // Encode once; lengths before truncation are kept for plot("lengths").
        var lengths: [Int] = []
        func encode(_ examples: [Example], keepLengths: Bool) throws -> [EncodedExample] {
            var encoded: [EncodedExample] = []
            encoded.reserveCapacity(examples.count)
            for (i, example) in examples.enumerated() {
                if i % 512 == 0 { try checkInterrupt() }
                guard Self.fits(example.label, labels: L) else {
                    throw SessionError(.state, "an example (line \(example.line)) has a label the model does not know")
                }
                var encoding = try model.tokenizer.encode(example.text, pair: example.pair)
                if keepLengths { lengths.append(encoding.count) }
                if options.windows == nil, encoding.count > options.maxLength {
                    encoding = try model.tokenizer.encode(example.text, pair: example.pair, maxLength: options.maxLength)
                }
                encoded.append(EncodedExample(encoding, target: example.label))
            }
            return encoded
        }
        var trainExamples = try encode(data.train, keepLengths: true)
        var validationExamples = try encode(data.validation, keepLengths: false)
        var validationGroups: WindowGroups?
        if let windows = options.windows {
            (trainExamples, validationExamples, validationGroups) = try windowedExamples(data, model: model, windows: windows)
            output?.stream(.stdout, Self.windowsLine(texts: data.train.count, windows: trainExamples.count, options: windows))
        }

        var plan = try runPlan(run, options: options, model: model, train: trainExamples, validation: validationExamples)
        plan.control.stopAfterEpoch = stopAfterEpoch
        if let validationGroups {
            // With windows the validation results are per text: best:'s metrics read each text's target.
            let perText = validationGroups.firstWindows.map { validationExamples[$0] }
            let labelNames = model.labelNames
            plan.control.metrics = { Self.bestMetricValues($0, validation: perText, labelNames: labelNames) }
        }

        // The optimizer continues when it belongs to the (aligned) model; a new model gets a new one;
        // a resumed run gets the checkpoint's, and its weights (put back unless a step is taken).
        let optimizerState: OptimizerState
        let network = model.network
        var weightsBefore: [Float]?
        defer {
            if !committed, let weightsBefore {
                network.parameters.vector.copy(from: weightsBefore)
            }
        }
        if let resumed = plan.resumed {
            weightsBefore = network.parameters.array
            optimizerState = OptimizerState(step: try resumed.restore(into: model.network))
        } else if let existing = component(OptimizerState.self), existing.belongs(to: model.network) {
            optimizerState = existing
        } else {
            // What trains is known now: a frozen part never gets moments allocated.
            var initial = TrainingStep.Options(learningRate: Float(options.lr), totalSteps: 1)
            initial.trained = options.freeze.trained(layers: model.config.numHiddenLayers)
            optimizerState = OptimizerState(step: try TrainingStep(network: model.network, options: initial))
        }
        /// At the first optimizer step: the aligned model and dataset and the optimizer become the session's.
        func commit() {
            guard !committed else { return }
            committed = true
            if model !== loadedModel { setComponent(model) }
            if datasetChanged { setComponent(LoadedDataset(data)) }
            setComponent(optimizerState)
        }
        let trainer = Trainer(step: optimizerState.step, paddingId: model.tokenizer.paddingTokenId)
        trainer.validationGroups = validationGroups

        // Once a step was taken, the history is stored after every epoch and on the way out, so
        // an interrupted or failed run keeps what it measured.
        var history = self.history
        history.task = data.task
        history.tokenLengths = lengths
        history.maxLength = options.maxLength
        if let resumed = plan.resumed, history.steps.isEmpty {
            // A resumed run in a new kernel: its steps so far, so that plot("loss") shows the whole run.
            history.steps = resumed.progress.log.compactMap { entry in
                guard case let .step(step, epoch, loss, lr) = entry else { return nil }
                return .init(step: step, epoch: epoch, loss: loss, learningRate: lr)
            }
        }
        let firstEpochNumber = (history.epochs.last?.epoch ?? 0) + 1
        let totalSteps = options.stepsPerEpoch(count: trainExamples.count) * options.epochs
        let progress = output.map { ProgressBar(output: $0, title: "train", total: totalSteps, unit: "step") }
        defer { if committed { setComponent(history) } }
        let validationSplit = data.validation
        plan.control.onCheckpoint = { url, interrupted in
            let shown = run.checkpoints ?? run.resume ?? url.deletingLastPathComponent().path
            output?.stream(.stdout, interrupted
                ? "Interrupted: saved checkpoint \(url.path); continue with train(resume: \"\(shown)\")\n"
                : "checkpoint \(url.lastPathComponent) saved in \(url.deletingLastPathComponent().path)\n")
        }
        let started = Date()
        func record(_ status: String) {
            guard committed, let progress = trainer.lastProgress else { return }
            recordRun(name: run.name, options: options, run: run, status: status, started: started, progress: progress,
                      trainExamples: trainExamples.count, globalStep: optimizerState.step.step, network: model.network)
        }
        // The duration estimate: once, after the first few steps of this call (a resumed run's too).
        let clockStart = ProcessInfo.processInfo.systemUptime
        var firstRunStep: Int?
        var estimated = false
        let outcome: Trainer.Outcome
        do {
            outcome = try runTrainer()
        } catch {
            record((error as? SessionError)?.kind == .interrupt ? "interrupted" : "failed")
            throw error
        }
        record(outcome.stoppedEarly ? "stopped early" : "finished")
        func runTrainer() throws -> Trainer.Outcome { try trainer.run(
            train: trainExamples, validation: validationExamples, options: options, control: plan.control,
            onStep: { event in
                commit()
                model.classifierIsFresh = false
                history.steps.append(.init(step: event.globalStep, epoch: Double(event.epoch) + event.epochFraction,
                                           loss: event.loss, learningRate: event.learningRate))
                let before = firstRunStep ?? (event.runStep - 1)
                firstRunStep = before
                if !estimated, let output, event.runStep - before >= ProgressBar.estimateAfterSteps(event.runSteps - before) {
                    estimated = true
                    output.stream(.stdout, ProgressBar.estimateLine(elapsed: ProcessInfo.processInfo.systemUptime - clockStart,
                                                                    completed: event.runStep - before,
                                                                    total: event.runSteps - before) + "\n")
                }
                progress?.update(event.runStep, samples: event.samples, metrics: [
                    ("epoch", "\(event.epoch + 1)/\(options.epochs)"), ("loss", String(format: "%.4f", event.loss)),
                    ("lr", String(format: "%.2e", event.learningRate)),
                ])
            },
            onEpoch: { event in
                let record = TrainingHistory.EpochRecord(
                    epoch: firstEpochNumber + event.epoch, step: event.globalStep, trainLoss: event.trainLoss,
                    trainAccuracy: event.trainAccuracy, validationLoss: event.validationLoss,
                    validationAccuracy: event.validationAccuracy,
                    validationMetrics: event.validation.map {
                        Self.epochMetrics($0, examples: validationSplit, labelNames: model.labelNames)
                    } ?? [])
                history.epochs.append(record)
                self.setComponent(history)
                output?.stream(.stdout, TrainingReport.epochLine(record, of: options.epochs, first: firstEpochNumber,
                                                                 task: data.task) + "\n")
            },
            checkInterrupt: { try self.checkInterrupt() }) }
        progress?.finish(outcome.steps, samples: history.steps.isEmpty ? nil : trainExamples.count * outcome.epochs.count, metrics: [("loss", String(format: "%.4f", history.steps.last?.loss ?? 0))])
        return TrainingReport(options: options, task: data.task, outcome: outcome,
                              epochs: Array(history.epochs.suffix(outcome.epochs.count)),
                              optimizerStep: optimizerState.step.step, examples: trainExamples.count,
                              validationExamples: validationExamples.count)
    }

    /// Whether a dataset label names only classes of a classifier with `L` labels.
    static func fits(_ label: Label, labels L: Int) -> Bool {
        switch label {
        case .classID(let id): id < L
        case .classIDs(let ids): ids.allSatisfy { $0 < L }
        case .value: L == 1
        }
    }

    /// The task's validation metrics beyond loss and accuracy, for the epoch line and history:
    /// micro and macro F1 (multi-label, at probability 0.5), MAE and Pearson's r (regression).
    /// - examples: the validation split, in the order the evaluation ran over
    static func epochMetrics(_ result: Evaluation.Result, examples: [Example], labelNames: [String]) -> [TrainingHistory.Metric] {
        switch result.task {
        case .singleLabel:
            return []
        case .multiLabel:
            let predicted = MultiLabelMetrics.predictions(probabilities: result.probabilities.map { $0.map(Double.init) })
            guard let m = try? MultiLabelMetrics(trueLabels: examples.map { $0.label.classIDs ?? [] },
                                                 predictedLabels: predicted, labelNames: labelNames) else { return [] }
            return [.init(name: "micro F1", value: m.microF1), .init(name: "macro F1", value: m.macroF1)]
        case .regression:
            guard let m = try? RegressionMetrics(targets: examples.map { $0.label.value ?? .nan },
                                                 predictions: result.logits.map { Double($0[0]) }) else { return [] }
            return [.init(name: "MAE", value: m.meanAbsoluteError), .init(name: "Pearson", value: m.pearson)]
        }
    }

    /// Writes the model as a Hugging Face directory (`config.json` with `id2label`/`label2id`
    /// and `problem_type`, `model.safetensors`, `vocab.txt`, `tokenizer_config.json`), atomically.
    /// A classifier without a `problem_type` gets the one transformers would pick for integer
    /// labels (regression for one label, single-label classification otherwise).
    @discardableResult
    public func save(to path: String) throws -> URL {
        let model = try requireModel()
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SessionError(.argument, "save needs a directory path", argument: "to")
        }
        let expanded = (path as NSString).expandingTildeInPath
        let url = URL(fileURLWithPath: expanded).standardizedFileURL
        try model.network.updateConfig { config in
            if model.hasClassifier { config.problemType = config.resolvedProblemType.rawValue }
        }
        var files = TokenizerFiles.files(for: model.tokenizer)
        // The model's last run, in transformers' layout, beside it.
        if let run = runLog.runs.last(where: { $0.network == ObjectIdentifier(model.network) }) {
            files[TrainingCheckpoint.trainerStateFile] = TransformersTrainerState.fileData(
                options: run.options, every: run.run.every, trainExamples: run.trainExamples, globalStep: run.globalStep,
                progress: run.progress, folder: run.checkpoints)
        }
        // Under mpirun every rank holds the same weights; one writer, rank 0, so that no two
        // processes swap the same directory.
        if ProcessGroups.world.rank == 0 {
            try BertCheckpoint.save(model.network, to: url, extraFiles: files)
        }
        return url
    }
}
