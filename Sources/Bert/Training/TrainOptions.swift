/// The options of a fine-tuning run (`train(...)`), declared once: `declarations` gives each
/// option's name (the argument label), default, accepted range and help. The command's parameters,
/// the generated reference, the defaults of `init`, `validate()`, `Session.train` and
/// `Trainer.run` all read it, so none of them states a default or a range of its own.
///
///     var options = TrainOptions(epochs: 2, lr: 3e-5)
///     options.batch = 16
///     try options.validate()                     // every declared range
///     TrainOptions.declarations.map(\.name)      // ["epochs", "lr", "batch", ...]
public struct TrainOptions: Equatable {
    public var epochs: Int
    /// Peak learning rate.
    public var lr: Double
    /// Examples per batch.
    public var batch: Int
    /// Tokens kept per example (the caller truncates; `Trainer` receives encoded examples).
    public var maxLength: Int
    /// Fraction of this run's optimizer steps spent warming up (first run only).
    public var warmup: Double
    public var weightDecay: Double
    /// Seeds shuffling (per epoch) and dropout (per step and micro-batch).
    public var seed: Int
    /// Maximum global gradient norm; nil for no clipping.
    public var clip: Double?
    /// Batches per optimizer step.
    public var accumulate: Int
    /// Epochs without a lower validation loss before stopping (the best weights are restored);
    /// nil for no early stopping.
    public var patience: Int?
    /// Balanced class weights in the loss (n / (L · count(class))); single-label only.
    public var classWeights: Bool
    /// ε of the cross-entropy's label smoothing (`torch.nn.CrossEntropyLoss(label_smoothing:)`);
    /// single-label only.
    public var labelSmoothing: Double
    /// Batches of similar length (transformers' `group_by_length`): less padding, faster epochs.
    public var groupByLength: Bool
    /// The learning rate's course over the steps (`LearningRateSchedule`).
    public var schedule: ScheduleKind
    /// Layer-wise learning-rate decay d in (0, 1] (`ParameterGroups`); 1 for one rate.
    public var layerDecay: Double
    /// What is not trained: the embeddings and the first k layers, or the whole encoder.
    public var freeze: Freeze
    /// Tokens per sliding window over long texts (replaces `maxLength`); nil: truncate to
    /// `maxLength`. See `TextWindows`.
    public var window: Int?
    /// Tokens consecutive windows share.
    public var stride: Int
    /// How validation combines a text's window logits.
    public var aggregate: WindowAggregation

    /// `train(freeze:)`: a number of layers (0 freezes nothing) or `"encoder"`.
    public enum Freeze: Equatable, Sendable {
        /// The embeddings and encoder layers 0..<k; 0 freezes nothing.
        case layers(Int)
        /// The embeddings and every layer: the heads train alone, on encoder outputs computed
        /// once in evaluation mode (`BertNetwork+FrozenEncoder`).
        case encoder

        /// The name the option takes for `.encoder`.
        public static let encoderName = "encoder"

        /// The frozen layer count of a model with `layers` layers: k, or all of them.
        public func frozenLayers(of layers: Int) -> Int {
            switch self {
            case .layers(let k): k
            case .encoder: layers
            }
        }

        /// What trains in a model with `layers` layers: `.all`, or `.fromLayer(k)`.
        public func trained(layers: Int) -> ParameterGradients {
            let k = frozenLayers(of: layers)
            return k == 0 ? .all : .fromLayer(k)
        }
    }

    /// Every option, in the order of `train`'s signature: the only place a default, a range or
    /// an option's help is written.
    public static let declarations: [Declaration] = [
        .int(\.epochs, "epochs", default: 3, range: OptionRange(1...10_000), doc: "passes over the training split"),
        .double(\.lr, "lr", default: 5e-5, range: .open(0, 1), doc: "peak learning rate"),
        .int(\.batch, "batch", default: 32, range: OptionRange(1...65_536), doc: "examples per batch"),
        .int(\.maxLength, "maxLength", default: 128, range: OptionRange(2...1_000_000), doc: "tokens kept per example"),
        .double(\.warmup, "warmup", default: 0.0, range: OptionRange(0...1), doc: "fraction of the steps spent warming up"),
        .double(\.weightDecay, "weightDecay", default: 0.01, range: .upperOpen(0, 1), doc: "AdamW's decoupled weight decay"),
        .int(\.seed, "seed", default: 42, range: .atLeast(0), doc: "seeds shuffling and dropout"),
        .optionalDouble(\.clip, "clip", default: 1.0, range: .greaterThan(0), doc: "maximum gradient norm; nil for none"),
        .int(\.accumulate, "accumulate", default: 1, range: OptionRange(1...4096), doc: "batches per optimizer step"),
        .optionalInt(\.patience, "patience", default: nil, range: OptionRange(1...10_000),
                     doc: "early stopping on the validation loss"),
        .bool(\.classWeights, "classWeights", default: false, doc: "balanced class weights in the loss"),
        .double(\.labelSmoothing, "labelSmoothing", default: 0.0, range: .upperOpen(0, 1), doc: "label smoothing ε"),
        .bool(\.groupByLength, "groupByLength", default: false, doc: "batch examples of similar length together"),
        .choice(\.schedule, "schedule", default: ScheduleKind.linear,
                doc: "the learning rate over the steps: \"linear\", \"cosine\", \"constant\", \"inverse-sqrt\" or "
                    + "\"one-cycle\" (warmup is its rise; 0 means fastai's 0.25)"),
        .double(\.layerDecay, "layerDecay", default: 1.0, range: OptionRange(lower: 0, includesLower: false, upper: 1, includesUpper: true),
                doc: "layer l of N trains at lr·d^(N−l), the embeddings at lr·d^(N+1), the heads at lr"),
        .freeze(\.freeze, "freeze", doc: "embeddings and the first k layers fixed, or \"encoder\": the heads alone, on encoder "
                    + "outputs computed once without dropout"),
    ] + windowDeclarations

    /// The sliding-window options, which `evaluate` and `predict` take too (`windows`).
    public static let windowDeclarations: [Declaration] = [
        .optionalInt(\.window, "window", default: nil, range: OptionRange(3...1_000_000),
                     doc: "tokens per sliding window over long texts (replaces maxLength); nil to truncate"),
        .int(\.stride, "stride", default: 32, range: OptionRange(0...1_000_000), doc: "tokens consecutive windows share"),
        .choice(\.aggregate, "aggregate", default: WindowAggregation.mean,
                doc: "how a text's window logits combine: \"mean\", \"max\" or \"first\""),
    ]

    /// The sliding windows these options ask for; nil without `window`.
    public var windows: TextWindows? { window.map { TextWindows(length: $0, stride: stride, aggregate: aggregate) } }

    /// The declared defaults.
    public static let defaults: TrainOptions = {
        var options = TrainOptions(placeholders: ())
        for declaration in declarations { declaration.write(declaration.defaultValue, &options) }
        return options
    }()

    /// Zeros, overwritten by the declared defaults (`defaults`); a test checks that every stored
    /// property is declared.
    private init(placeholders: Void) {
        epochs = 0; lr = 0; batch = 0; maxLength = 0; warmup = 0; weightDecay = 0; seed = 0; clip = nil
        accumulate = 0; patience = nil; classWeights = false; labelSmoothing = 0; groupByLength = false
        window = nil; stride = 0; aggregate = .first; schedule = .constant; layerDecay = 0; freeze = .encoder
    }

    public init(epochs: Int = defaults.epochs, lr: Double = defaults.lr, batch: Int = defaults.batch,
                maxLength: Int = defaults.maxLength, warmup: Double = defaults.warmup,
                weightDecay: Double = defaults.weightDecay, seed: Int = defaults.seed, clip: Double? = defaults.clip,
                accumulate: Int = defaults.accumulate, patience: Int? = defaults.patience,
                classWeights: Bool = defaults.classWeights, labelSmoothing: Double = defaults.labelSmoothing,
                groupByLength: Bool = defaults.groupByLength, window: Int? = defaults.window,
                stride: Int = defaults.stride, aggregate: WindowAggregation = defaults.aggregate,
                schedule: ScheduleKind = defaults.schedule, layerDecay: Double = defaults.layerDecay,
                freeze: Freeze = defaults.freeze) {
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
        self.labelSmoothing = labelSmoothing
        self.groupByLength = groupByLength
        self.window = window
        self.stride = stride
        self.aggregate = aggregate
        self.schedule = schedule
        self.layerDecay = layerDecay
        self.freeze = freeze
    }

    /// The first option whose value is outside its declared range, with that value.
    public func firstViolation() -> (declaration: Declaration, value: Double)? {
        for declaration in Self.declarations {
            guard let range = declaration.range, let value = declaration.read(self).number else { continue }
            if !range.contains(value) { return (declaration, value) }
        }
        return nil
    }

    /// Throws `BertError(.argument)` naming the first option outside its declared range.
    public func validate() throws {
        if let (declaration, value) = firstViolation() {
            throw BertError(.argument, "\(declaration.name) must be \(declaration.range!.phrase()), got \(OptionRange.format(value))")
        }
    }

    /// Optimizer steps of one epoch over `count` examples (a last partial step included).
    public func stepsPerEpoch(count: Int) -> Int {
        let batches = (count + batch - 1) / batch
        return (batches + accumulate - 1) / accumulate
    }
}

extension TrainOptions {
    /// An option's value, untyped: what the command reads and writes.
    public enum OptionValue: Equatable {
        case int(Int)
        case double(Double)
        case bool(Bool)
        /// One of a declaration's `allowed` names.
        case string(String)
        /// nil, for an optional option.
        case none

        /// The number a range is checked on; nil for booleans and nil.
        public var number: Double? {
            switch self {
            case .int(let i): Double(i)
            case .double(let d): d
            case .bool, .string, .none: nil
            }
        }
    }

    /// One option: its name, type, default, accepted range and help, and how to read and write it.
    public struct Declaration {
        /// `intOrString`: an Int, or one of `allowed` (`freeze`: a layer count or "encoder").
        public enum Kind: Equatable { case int, double, bool, string, intOrString }

        public let name: String
        public let kind: Kind
        /// Accepts nil.
        public let optional: Bool
        public let defaultValue: OptionValue
        /// For numbers: the accepted values; nil for any.
        public let range: OptionRange?
        public let doc: String
        public let read: (TrainOptions) -> OptionValue
        /// Sets the option; a value of another kind is a programmer error.
        public let write: (OptionValue, inout TrainOptions) -> Void
        /// For strings: the names accepted.
        public var allowed: [String] = []

        static func int(_ path: WritableKeyPath<TrainOptions, Int>, _ name: String, default value: Int,
                        range: OptionRange?, doc: String) -> Declaration {
            Declaration(name: name, kind: .int, optional: false, defaultValue: .int(value), range: range, doc: doc,
                        read: { .int($0[keyPath: path]) },
                        write: { value, options in
                            guard case .int(let i) = value else { preconditionFailure("\(name) takes an Int") }
                            options[keyPath: path] = i
                        })
        }

        static func optionalInt(_ path: WritableKeyPath<TrainOptions, Int?>, _ name: String, default value: Int?,
                                range: OptionRange?, doc: String) -> Declaration {
            Declaration(name: name, kind: .int, optional: true, defaultValue: value.map { .int($0) } ?? .none, range: range,
                        doc: doc, read: { $0[keyPath: path].map { .int($0) } ?? .none },
                        write: { value, options in
                            switch value {
                            case .int(let i): options[keyPath: path] = i
                            case .none: options[keyPath: path] = nil
                            default: preconditionFailure("\(name) takes an Int or nil")
                            }
                        })
        }

        static func double(_ path: WritableKeyPath<TrainOptions, Double>, _ name: String, default value: Double,
                           range: OptionRange?, doc: String) -> Declaration {
            Declaration(name: name, kind: .double, optional: false, defaultValue: .double(value), range: range, doc: doc,
                        read: { .double($0[keyPath: path]) },
                        write: { value, options in
                            switch value {
                            case .double(let d): options[keyPath: path] = d
                            case .int(let i): options[keyPath: path] = Double(i)
                            default: preconditionFailure("\(name) takes a Double")
                            }
                        })
        }

        static func optionalDouble(_ path: WritableKeyPath<TrainOptions, Double?>, _ name: String, default value: Double?,
                                   range: OptionRange?, doc: String) -> Declaration {
            Declaration(name: name, kind: .double, optional: true, defaultValue: value.map { .double($0) } ?? .none,
                        range: range, doc: doc, read: { $0[keyPath: path].map { .double($0) } ?? .none },
                        write: { value, options in
                            switch value {
                            case .double(let d): options[keyPath: path] = d
                            case .int(let i): options[keyPath: path] = Double(i)
                            case .none: options[keyPath: path] = nil
                            default: preconditionFailure("\(name) takes a Double or nil")
                            }
                        })
        }

        /// One of an enumeration's cases, by raw value.
        static func choice<Choice: RawRepresentable & CaseIterable>(
            _ path: WritableKeyPath<TrainOptions, Choice>, _ name: String, default value: Choice, doc: String
        ) -> Declaration where Choice.RawValue == String {
            Declaration(name: name, kind: .string, optional: false, defaultValue: .string(value.rawValue), range: nil, doc: doc,
                        read: { .string($0[keyPath: path].rawValue) },
                        write: { value, options in
                            guard case .string(let raw) = value, let choice = Choice(rawValue: raw) else {
                                preconditionFailure("\(name) takes one of \(Choice.allCases.map(\.rawValue))")
                            }
                            options[keyPath: path] = choice
                        },
                        allowed: Choice.allCases.map(\.rawValue))
        }

        /// `freeze`: a layer count in 0...1000 (the model's own count is checked by the trainer)
        /// or "encoder".
        static func freeze(_ path: WritableKeyPath<TrainOptions, Freeze>, _ name: String, doc: String) -> Declaration {
            Declaration(name: name, kind: .intOrString, optional: false, defaultValue: .int(0), range: OptionRange(0...1000),
                        doc: doc,
                        read: { options in
                            switch options[keyPath: path] {
                            case .layers(let k): .int(k)
                            case .encoder: .string(Freeze.encoderName)
                            }
                        },
                        write: { value, options in
                            switch value {
                            case .int(let k): options[keyPath: path] = .layers(k)
                            case .string(Freeze.encoderName): options[keyPath: path] = .encoder
                            default: preconditionFailure("\(name) takes an Int or \"\(Freeze.encoderName)\"")
                            }
                        },
                        allowed: [Freeze.encoderName])
        }

        static func bool(_ path: WritableKeyPath<TrainOptions, Bool>, _ name: String, default value: Bool,
                         doc: String) -> Declaration {
            Declaration(name: name, kind: .bool, optional: false, defaultValue: .bool(value), range: nil, doc: doc,
                        read: { .bool($0[keyPath: path]) },
                        write: { value, options in
                            guard case .bool(let b) = value else { preconditionFailure("\(name) takes a Bool") }
                            options[keyPath: path] = b
                        })
        }
    }
}
