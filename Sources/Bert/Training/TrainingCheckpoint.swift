import ExactJSON
import Foundation
import Numerics

/// One checkpoint of a fine-tuning run, a folder `checkpoint-N` (N the optimizer step) inside
/// the run's folder, written by `BertCheckpoint.save` (atomically, never over a folder it did not
/// write), so it holds the model as `save` writes it (transformers loads it) plus:
///
/// - `optimizer.safetensors`: AdamW's first and second moments, `exp_avg` and `exp_avg_sq`, (P)
///   each in the parameters' layout (`ParameterLayout`);
/// - `training_state.json`: what an exact resume needs and checks: the optimizer's step count
///   and settings, the schedule, the seeds, the position in the batch order and the run's
///   measurements (`TrainerProgress`), the training options, and fingerprints of the model, the
///   dataset and the label map (`TrainingIdentity`);
/// - `trainer_state.json`: the run in the layout transformers' `TrainerState.save_to_json`
///   writes (`TransformersTrainerState`).
///
/// A full disk or any failure while writing leaves no `checkpoint-N` behind (the half-written
/// folder is hidden and removed) and every earlier checkpoint as it was.
public enum TrainingCheckpoint {
    public static let optimizerFile = "optimizer.safetensors"
    public static let stateFile = "training_state.json"
    public static let trainerStateFile = "trainer_state.json"
    /// `training_state.json`'s `format`; a later layout gets a new one.
    static let format = "bert-kernel training state 1"

    /// The folder name of the checkpoint after `step` optimizer steps, as transformers names them.
    public static func name(step: Int) -> String { "checkpoint-\(step)" }

    /// The step of a folder named `checkpoint-N`, else nil.
    public static func step(ofName name: String) -> Int? {
        guard name.hasPrefix("checkpoint-") else { return nil }
        return Int(name.dropFirst("checkpoint-".count))
    }

    /// A run's checkpoint folders in `folder` (complete ones: marker and state file present),
    /// oldest first. Hidden half-written folders (`.checkpoint-N.saving-*`) are not listed.
    public static func list(in folder: URL) -> [(step: Int, url: URL)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.compactMap { entry -> (Int, URL)? in
            guard let step = step(ofName: entry) else { return nil }
            let url = folder.appendingPathComponent(entry)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent(stateFile).path) else { return nil }
            return (step, url)
        }.sorted { $0.0 < $1.0 }
    }

    /// What `train(resume:)` names: a checkpoint folder itself, or a run's folder, whose latest
    /// checkpoint is taken. Throws a file error that says what is there instead.
    public static func locate(_ url: URL) throws -> URL {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw BertError(.file, "there is no checkpoint at \(url.path): the folder does not exist "
                            + "(train(checkpoints: \"\(url.lastPathComponent)\") writes one)")
        }
        guard isDirectory.boolValue else {
            throw BertError(.file, "\(url.path) is a file; resume takes a run's folder or one of its checkpoint-N folders")
        }
        if fm.fileExists(atPath: url.appendingPathComponent(stateFile).path) { return url }
        if let latest = list(in: url).last { return latest.url }
        if step(ofName: url.lastPathComponent) != nil {
            throw BertError(.file, "\(url.path) is not a complete checkpoint: it has no \(stateFile) "
                            + "(a checkpoint cut short is never left under its name; was it copied in part?)")
        }
        let model = fm.fileExists(atPath: url.appendingPathComponent("config.json").path)
        throw BertError(.file, "\(url.path) holds no checkpoint (no checkpoint-N folder with a \(stateFile))"
                        + (model ? "; it is a saved model: load it with load(model:) and train it" : ""))
    }

    // MARK: - Writing

    /// Everything of a run's checkpoint that is not the progress: written by `Writer`.
    public struct RunRecord {
        /// Identifies the run, so that a new run cannot write into another run's folder.
        public var runID: String
        public var options: TrainOptions
        public var best: String?
        public var every: CheckpointInterval
        public var identity: TrainingIdentity
        /// Examples per epoch (the train split), for trainer_state.json's `max_steps`.
        public var trainExamples: Int

        public init(runID: String, options: TrainOptions, best: String?, every: CheckpointInterval,
                    identity: TrainingIdentity, trainExamples: Int) {
            self.runID = runID
            self.options = options
            self.best = best
            self.every = every
            self.identity = identity
            self.trainExamples = trainExamples
        }
    }

    /// Writes a run's checkpoints into one folder and keeps the newest `keep` (never the best).
    public final class Writer {
        public let folder: URL
        public let keep: Int?
        public let record: RunRecord
        /// Files written beside the model (the tokenizer's), as `save` writes them.
        let modelFiles: [String: Data]
        /// The folder as the user wrote it, for `best_model_checkpoint`.
        let displayFolder: String?

        public init(folder: URL, displayFolder: String? = nil, keep: Int?, record: RunRecord, modelFiles: [String: Data]) {
            self.folder = folder.standardizedFileURL
            self.displayFolder = displayFolder
            self.keep = keep
            self.record = record
            self.modelFiles = modelFiles
        }

        /// Refuses a folder that holds another run's checkpoints (a new run would mix with
        /// them, and `keep:` would delete them), naming them and the ways out.
        public func checkFolder() throws {
            for (_, url) in list(in: folder) {
                let data = try? Data(contentsOf: url.appendingPathComponent(stateFile))
                let json = data.flatMap { try? OrderedJSON.parse(Array($0)) }
                if json?["run_id"]?.stringValue != record.runID {
                    throw BertError(.file, "\(folder.path) already holds the checkpoints of another run "
                                    + "(\(list(in: folder).map(\.url.lastPathComponent).joined(separator: ", "))); "
                                    + "continue that run with train(resume: \"\(folder.lastPathComponent)\"), "
                                    + "or give checkpoints: a new folder")
                }
            }
        }

        /// Writes `checkpoint-<step>` for the state of `step` and `progress`, then removes the
        /// oldest of the run's checkpoints beyond `keep`, never the best one. Returns its URL.
        @discardableResult
        public func write(_ step: TrainingStep, progress: TrainerProgress) throws -> URL {
            let url = folder.appendingPathComponent(name(step: step.step))
            var files = modelFiles
            let count = step.optimizer.m.count
            do {
                files[optimizerFile] = try SafetensorsWriter.encode([
                    SafetensorsTensor(name: "exp_avg", shape: [count], values: step.optimizer.m.array),
                    SafetensorsTensor(name: "exp_avg_sq", shape: [count], values: step.optimizer.v.array),
                ], metadata: ["format": "pt", "step": String(step.step)], path: optimizerFile)
            } catch {
                throw BertError(.format, "\(error)")
            }
            files[stateFile] = Data(TrainingStateFile.json(record: record, step: step, progress: progress).text().utf8)
            let trainerState = TransformersTrainerState.json(record: record, step: step, progress: progress,
                                                             folder: displayFolder)
            files[trainerStateFile] = Data((trainerState.text() + "\n").utf8)
            try FileFailure.createFolder(folder)
            try BertCheckpoint.save(step.network, to: url, extraFiles: files)
            prune(keeping: url.lastPathComponent, best: progress.best?.checkpoint)
            return url
        }

        /// Removes the oldest checkpoints beyond `keep`: only this run's, never `best` or `latest`,
        /// each by the names its save wrote (`SaveDirectory.removeSaveFiles`, never recursively).
        func prune(keeping latest: String, best: String?) {
            guard let keep else { return }
            var checkpoints = list(in: folder).map(\.url)
            while checkpoints.count > keep,
                  let oldest = checkpoints.first(where: { $0.lastPathComponent != best && $0.lastPathComponent != latest }) {
                SaveDirectory.removeSaveFiles(in: oldest)
                checkpoints.removeAll { $0 == oldest }
            }
        }
    }
}

/// When a run evaluates and writes checkpoints: at the end of every epoch, and with
/// `.steps(n)` also after every n-th optimizer step (counted over all runs, as transformers'
/// `save_steps` counts `global_step`).
public enum CheckpointInterval: Equatable {
    case epoch
    case steps(Int)

    /// The value `every:` was given as: "epoch" or the step count.
    public var text: String {
        switch self {
        case .epoch: "epoch"
        case .steps(let n): String(n)
        }
    }

    /// Whether an evaluation is due after the step that brought the count to `globalStep`
    /// (the end of an epoch always is one).
    public func isDue(afterStep globalStep: Int) -> Bool {
        if case .steps(let n) = self { return globalStep % n == 0 }
        return false
    }
}
