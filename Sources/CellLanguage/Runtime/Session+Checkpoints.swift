import Bert
import Foundation
import TextDatasets

/// The checkpoint side of `train`: checking `best:`, `keep:` and `every:`, reading the checkpoint
/// `resume:` names and comparing it with the session's model, dataset and options, and the
/// writer of the run's checkpoints.
extension Session {
    /// What `train` needs to run with checkpoints, best weights or a resume.
    struct RunPlan {
        var control = Trainer.RunControl()
        /// The checkpoint resumed from.
        var resumed: TrainingStateFile.Loaded?
    }

    /// Rejects `best:`, `keep:` and `every:` values that cannot work, before anything is encoded.
    func checkRunOptions(_ run: RunOptions, task: TaskKind, hasValidation: Bool) throws {
        if let best = run.best {
            let allowed = RunOptions.bestMetrics(for: task)
            guard allowed.contains(best) else {
                throw SessionError(.argument, "best must name a metric the \(task.rawValue.replacingOccurrences(of: "_", with: " ")) "
                                   + "evaluation reports: \(allowed.map { "\"\($0)\"" }.joined(separator: ", ")); got \"\(best)\"",
                                   argument: "best")
            }
            guard hasValidation else {
                throw SessionError(.argument, "best needs a validation split to compare the evaluations on; load the dataset "
                                   + "with validation: 0.1 (a tenth of the training rows held out) or a validation file",
                                   argument: "best")
            }
        }
        if run.keep != nil, run.checkpoints == nil, run.resume == nil {
            throw SessionError(.argument, "keep applies to checkpoints; give checkpoints: \"runs/NAME\" as well", argument: "keep")
        }
    }

    /// Reads the checkpoint of `run.resume` and checks it belongs to this model, dataset and
    /// options; builds the checkpoint writer. Changes nothing in the session.
    func runPlan(_ run: RunOptions, options: TrainOptions, model: LoadedModel, train: [EncodedExample],
                 validation: [EncodedExample]) throws -> RunPlan {
        var plan = RunPlan()
        plan.control.best = run.best.map(BestMetric.init)
        plan.control.every = run.every
        let identity = TrainingIdentity(network: model.network,
                                        vocabulary: TrainingIdentity.fingerprint(of: model.tokenizer.idToToken),
                                        train: train, validation: validation)
        var record = TrainingCheckpoint.RunRecord(runID: UUID().uuidString, options: options, best: run.best, every: run.every,
                                                  identity: identity, trainExamples: train.count)
        var folder = run.checkpoints
        if let resume = run.resume {
            let url = try TrainingCheckpoint.locate(Self.fileURL(resume))
            let loaded = try TrainingStateFile.read(url)
            if let difference = loaded.identity.difference(from: identity) {
                throw SessionError(.state, "cannot resume from \(url.path): \(difference)")
            }
            for declaration in TrainOptions.declarations where declaration.name != "epochs" {
                let then = declaration.read(loaded.options), now = declaration.read(options)
                if then != now {
                    throw SessionError(.argument, "cannot resume from \(url.path): its run had \(declaration.name): "
                                       + "\(Self.describe(then)), this call gives \(Self.describe(now)) (only epochs may change)",
                                       argument: declaration.name)
                }
            }
            if loaded.best != run.best {
                throw SessionError(.argument, "cannot resume from \(url.path): its run had best: \(loaded.best.map { "\"\($0)\"" } ?? "nil"), "
                                   + "this call gives \(run.best.map { "\"\($0)\"" } ?? "nil")", argument: "best")
            }
            if loaded.every != run.every {
                throw SessionError(.argument, "cannot resume from \(url.path): its run had every: \(loaded.every.text), "
                                   + "this call gives \(run.every.text)", argument: "every")
            }
            var continued = loaded.progress
            continued.epochs = options.epochs
            if continued.isFinished {
                throw SessionError(.state, "the run in \(url.path) is complete (\(loaded.progress.stoppedEarly ? "stopped early" : "\(loaded.progress.epochs) epochs")); "
                                   + (loaded.progress.stoppedEarly ? "train again without resume: to continue training"
                                                                   : "give epochs: more than \(loaded.progress.epochs) to continue it"))
            }
            record = loaded.record(options: options, identity: identity, trainExamples: train.count)
            plan.resumed = loaded
            plan.control.resume = loaded.progress
            if folder == nil { folder = url.deletingLastPathComponent().path }
            if run.best != nil || options.patience != nil, let best = loaded.progress.best?.checkpoint {
                let bestURL = url.deletingLastPathComponent().appendingPathComponent(best)
                do {
                    plan.control.bestWeights = try TrainingStateFile.weights(in: bestURL, count: model.network.parameters.count)
                } catch {
                    throw SessionError(.file, "cannot resume from \(url.path): the run's best checkpoint \(bestURL.path) "
                                       + "cannot be read (\(error)); its weights are needed to end on the best evaluation")
                }
            }
        }
        if let folder {
            let writer = TrainingCheckpoint.Writer(folder: Self.fileURL(folder), displayFolder: folder, keep: run.keep,
                                                   record: record, modelFiles: TokenizerFiles.files(for: model.tokenizer))
            try writer.checkFolder()
            plan.control.checkpoints = writer
        }
        let labelNames = model.labelNames
        let validationSplit = validation
        plan.control.metrics = { result in Self.bestMetricValues(result, validation: validationSplit, labelNames: labelNames) }
        return plan
    }

    /// The metrics of a validation pass beyond loss and accuracy, under `best:`'s names.
    static func bestMetricValues(_ result: Evaluation.Result, validation: [EncodedExample], labelNames: [String]) -> [TrainerProgress.Metric] {
        switch result.task {
        case .singleLabel:
            guard let m = try? ClassificationMetrics(trueLabels: result.labels, predictedLabels: result.predictions,
                                                     labelNames: labelNames) else { return [] }
            return [.init("macro_f1", m.macroF1)]
        case .multiLabel:
            let predicted = MultiLabelMetrics.predictions(probabilities: result.probabilities.map { $0.map(Double.init) })
            guard let m = try? MultiLabelMetrics(trueLabels: validation.map { $0.target?.classIDs ?? [] },
                                                 predictedLabels: predicted, labelNames: labelNames) else { return [] }
            return [.init("micro_f1", m.microF1), .init("macro_f1", m.macroF1)]
        case .regression:
            guard let m = try? RegressionMetrics(targets: validation.map { $0.target?.value ?? .nan },
                                                 predictions: result.logits.map { Double($0[0]) }) else { return [] }
            return [.init("mae", m.meanAbsoluteError), .init("pearson", m.pearson)]
        }
    }

    static func describe(_ value: TrainOptions.OptionValue) -> String {
        switch value {
        case .int(let i): String(i)
        case .double(let d): Value.formatNumber(d)
        case .bool(let b): String(b)
        case .string(let s): "\"\(s)\""
        case .none: "nil"
        }
    }

    /// A path as the user typed it (`~` expanded), relative to the working directory.
    static func fileURL(_ path: String) -> URL {
        URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL
    }
}
