import ExactJSON
import Foundation
import Numerics

/// `training_state.json`: what `TrainingCheckpoint` needs to resume a run exactly, written and
/// read here. Floats of the optimizer's settings are written as their Double values, whose
/// shortest text reads back to the same bits, so a resumed schedule is the same to the bit.
public enum TrainingStateFile {
    static func json(record: TrainingCheckpoint.RunRecord, step: TrainingStep, progress: TrainerProgress) -> OrderedJSON {
        let o = step.options
        let optimizer: OrderedJSON = .object([
            ("step", .int(step.step)), ("learning_rate", .double(Double(o.learningRate))),
            ("schedule", .string(o.schedule.rawValue)),
            ("warmup_steps", .int(o.warmupSteps)), ("total_steps", .int(o.totalSteps)),
            ("layer_decay", .double(o.layerDecay)), ("frozen_layers", .int(o.trained.frozenLayers)),
            ("weight_decay", .double(Double(o.weightDecay))), ("beta1", .double(Double(o.beta1))),
            ("beta2", .double(Double(o.beta2))), ("eps", .double(Double(o.eps))),
            ("max_grad_norm", o.maxGradNorm.map { .double(Double($0)) } ?? .null),
            ("class_weights", o.loss.classWeights.map { .array($0.map { .double(Double($0)) }) } ?? .null),
            ("label_smoothing", .double(Double(o.loss.labelSmoothing))),
            ("dropout_seed", o.dropoutSeed.map { .string(String($0)) } ?? .null),
            ("dropout_numbering", .string(o.dropoutNumbering == .fineTuning ? "fine_tuning" : "pre_training")),
        ])
        return .object([
            ("format", .string(TrainingCheckpoint.format)), ("run_id", .string(record.runID)),
            ("options", .object(TrainOptions.declarations.map { ($0.name, json($0.read(record.options))) })),
            ("best", record.best.map(OrderedJSON.string) ?? .null), ("every", .string(record.every.text)),
            ("train_examples", .int(record.trainExamples)),
            ("identity", record.identity.json), ("optimizer", optimizer), ("progress", progress.json),
        ])
    }

    private static func json(_ value: TrainOptions.OptionValue) -> OrderedJSON {
        switch value {
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .bool(let b): .bool(b)
        case .string(let s): .string(s)
        case .none: .null
        }
    }

    /// A checkpoint as read back.
    public struct Loaded {
        public let url: URL
        public let runID: String
        public let options: TrainOptions
        public let best: String?
        public let every: CheckpointInterval
        public let identity: TrainingIdentity
        public let progress: TrainerProgress
        public let stepOptions: TrainingStep.Options
        public let optimizerStep: Int
        /// (trained count: P less the frozen values) AdamW's moments.
        let firstMoments: [Float]
        let secondMoments: [Float]

        /// The record a continued run writes into its checkpoints (same run id, the options now).
        public func record(options: TrainOptions, identity: TrainingIdentity, trainExamples: Int) -> TrainingCheckpoint.RunRecord {
            .init(runID: runID, options: options, best: best, every: every, identity: identity, trainExamples: trainExamples)
        }

        /// A new optimizer for `network` in the checkpoint's state, and the checkpoint's weights
        /// copied into `network` (whose layout must be the checkpoint's: check `identity` first).
        public func restore(into network: BertNetwork) throws -> TrainingStep {
            let weights = try TrainingStateFile.weights(in: url, count: network.parameters.count)
            let step = try TrainingStep(network: network, options: stepOptions)
            // Moments exist for the trained parameters only (frozen ones have none).
            let trained = step.optimizer.groups.trainedCount(of: network.layout)
            guard firstMoments.count == trained, secondMoments.count == trained else {
                throw BertError(.format, "the checkpoint's optimizer has \(firstMoments.count) values; the model has "
                                + "\(trained) trained parameters")
            }
            step.optimizer.restore(step: optimizerStep, m: firstMoments, v: secondMoments)
            network.parameters.vector.copy(from: weights)
            return step
        }
    }

    /// (P) the weights of the checkpoint (or saved model) at `url`, in the network's layout.
    public static func weights(in url: URL, count: Int) throws -> [Float] {
        let (loaded, _) = try BertCheckpoint.load(from: url)
        guard loaded.parameters.count == count else {
            throw BertError(.format, "\(url.lastPathComponent) holds \(loaded.parameters.count) parameters; the model has \(count)")
        }
        return loaded.parameters.array
    }

    /// Reads the checkpoint at `url` (a `checkpoint-N` folder). A missing or corrupt file is a
    /// format or file error naming the file and what is wrong.
    public static func read(_ url: URL) throws -> Loaded {
        let stateURL = url.appendingPathComponent(TrainingCheckpoint.stateFile)
        let reader = CheckpointReader(file: stateURL)
        let data: Data
        do { data = try Data(contentsOf: stateURL) } catch {
            throw BertError(.file, "cannot read \(stateURL.path): " + FileFailure.sentence(error, path: stateURL.path))
        }
        let json: OrderedJSON
        do { json = try OrderedJSON.parse(Array(data)) } catch {
            throw reader.failure("\(error) (the file is corrupt)")
        }
        guard json["format"]?.stringValue == TrainingCheckpoint.format else {
            throw reader.failure("it is not a bert-kernel training state (format \(json["format"]?.sourceText ?? "missing"))")
        }
        var options = TrainOptions()
        guard let optionsJSON = json["options"] else { throw reader.failure("options is missing") }
        for declaration in TrainOptions.declarations {
            guard let value = optionsJSON[declaration.name] else { continue }   // an option added since: its default
            declaration.write(try reader.optionValue(value, declaration), &options)
        }
        let every: CheckpointInterval
        switch try reader.string(json, "every") {
        case "epoch": every = .epoch
        case let text: guard let n = Int(text), n > 0 else { throw reader.failure("every is \(text)") }; every = .steps(n)
        }
        guard let identityJSON = json["identity"], let progressJSON = json["progress"], let o = json["optimizer"] else {
            throw reader.failure("identity, progress or optimizer is missing")
        }
        var stepOptions = TrainingStep.Options(learningRate: Float(try reader.double(o, "learning_rate")),
                                               warmupSteps: try reader.int(o, "warmup_steps"),
                                               totalSteps: try reader.int(o, "total_steps"),
                                               weightDecay: Float(try reader.double(o, "weight_decay")))
        // Added in issue 18; a file written before has the linear schedule, one rate, nothing frozen.
        if let name = o["schedule"] {
            guard let kind = name.stringValue.flatMap(ScheduleKind.init(rawValue:)) else {
                throw reader.failure("optimizer.schedule is \(name.sourceText)")
            }
            stepOptions.schedule = kind
        }
        if o["layer_decay"] != nil { stepOptions.layerDecay = try reader.double(o, "layer_decay") }
        if o["frozen_layers"] != nil {
            let k = try reader.int(o, "frozen_layers")
            guard k >= 0 else { throw reader.failure("optimizer.frozen_layers is \(k)") }
            stepOptions.trained = k == 0 ? .all : .fromLayer(k)
        }
        stepOptions.beta1 = Float(try reader.double(o, "beta1"))
        stepOptions.beta2 = Float(try reader.double(o, "beta2"))
        stepOptions.eps = Float(try reader.double(o, "eps"))
        stepOptions.maxGradNorm = o["max_grad_norm"]?.doubleValue.map(Float.init)
        var classWeights: [Float]?
        if let elements = o["class_weights"]?.elements {
            classWeights = try elements.map { element in
                guard let weight = element.doubleValue else { throw reader.failure("class_weights holds \(element.sourceText)") }
                return Float(weight)
            }
        }
        stepOptions.loss = LossOptions(classWeights: classWeights, labelSmoothing: Float(try reader.double(o, "label_smoothing")))
        stepOptions.dropoutSeed = o["dropout_seed"]?.stringValue.flatMap { UInt64($0) }
        stepOptions.dropoutNumbering = o["dropout_numbering"]?.stringValue == "pre_training" ? .preTraining : .fineTuning

        let optimizerURL = url.appendingPathComponent(TrainingCheckpoint.optimizerFile)
        guard FileManager.default.fileExists(atPath: optimizerURL.path) else {
            throw BertError(.file, "\(url.path) is not a complete checkpoint: \(TrainingCheckpoint.optimizerFile) is missing")
        }
        let m: [Float], v: [Float]
        do {
            let file = try SafetensorsFile(contentsOf: optimizerURL)
            m = try file.floats("exp_avg")
            v = try file.floats("exp_avg_sq")
        } catch {
            throw BertError(.format, "\(optimizerURL.path): \(error)")
        }
        return Loaded(url: url, runID: try reader.string(json, "run_id"), options: options,
                      best: json["best"]?.stringValue, every: every,
                      identity: try TrainingIdentity(json: identityJSON, reader: reader),
                      progress: try TrainerProgress(json: progressJSON, reader: reader), stepOptions: stepOptions,
                      optimizerStep: try reader.int(o, "step"), firstMoments: m, secondMoments: v)
    }
}

/// Typed fields of a checkpoint's JSON, with errors that name the file.
struct CheckpointReader {
    let file: URL

    func failure(_ reason: String) -> BertError {
        BertError(.format, "\(file.path): \(reason)")
    }

    /// `json[key]` read by `read`, or a failure saying it is missing or not `what`.
    func required<T>(_ json: OrderedJSON, _ key: String, _ what: String, _ read: (OrderedJSON) -> T?) throws -> T {
        guard let value = json[key].flatMap(read) else { throw failure("\(key) is missing or not \(what)") }
        return value
    }

    func int(_ json: OrderedJSON, _ key: String) throws -> Int { try required(json, key, "an integer") { $0.intValue } }
    func double(_ json: OrderedJSON, _ key: String) throws -> Double { try required(json, key, "a number") { $0.doubleValue } }
    func bool(_ json: OrderedJSON, _ key: String) throws -> Bool { try required(json, key, "true/false") { $0.boolValue } }
    func string(_ json: OrderedJSON, _ key: String) throws -> String { try required(json, key, "a string") { $0.stringValue } }

    func metrics(_ json: OrderedJSON, _ key: String) throws -> [TrainerProgress.Metric] {
        guard let members = json[key]?.members else { throw failure("\(key) is missing") }
        return try members.map { member in
            guard let value = member.value.doubleValue else { throw failure("\(key).\(member.key) is not a number") }
            return TrainerProgress.Metric(member.key, value)
        }
    }

    func optionValue(_ json: OrderedJSON, _ declaration: TrainOptions.Declaration) throws -> TrainOptions.OptionValue {
        if json.isNull, declaration.optional { return .none }
        switch declaration.kind {
        case .int: if let i = json.intValue { return .int(i) }
        case .double: if let d = json.doubleValue { return .double(d) }
        case .bool: if let b = json.boolValue { return .bool(b) }
        case .string:
            if let s = json.stringValue, declaration.allowed.contains(s) { return .string(s) }
        case .intOrString:
            if let i = json.intValue { return .int(i) }
            if let s = json.stringValue, declaration.allowed.contains(s) { return .string(s) }
        }
        throw failure("options.\(declaration.name) is \(json.sourceText)")
    }
}
