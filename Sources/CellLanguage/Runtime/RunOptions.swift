import Bert
import TextDatasets

/// How `train` records and keeps a run, beside its hyper-parameters (`TrainOptions`): its name
/// in the run log, the checkpoints it writes, the metric of its best weights, the run it resumes.
/// These change what is kept, never the steps taken (apart from `best:` choosing what early
/// stopping watches), so they are not part of the options a resume must match, except `best`
/// and `every`, which decide where the unbroken run evaluated.
public struct RunOptions: Equatable {
    /// The run's name in `runs()` and `plot(runs:)`; nil numbers it ("run 3").
    public var name: String?
    /// The folder of the run's checkpoints (one `checkpoint-N` folder each); nil writes none.
    public var checkpoints: String?
    public var every: CheckpointInterval = .epoch
    /// How many checkpoints to keep (the newest, and always the best); nil keeps all.
    public var keep: Int?
    /// The metric whose best evaluation's weights the run ends on ("loss", "accuracy", ...).
    public var best: String?
    /// A run's folder (its latest checkpoint) or a checkpoint folder to continue from.
    public var resume: String?

    public init(name: String? = nil, checkpoints: String? = nil, every: CheckpointInterval = .epoch, keep: Int? = nil,
                best: String? = nil, resume: String? = nil) {
        self.name = name
        self.checkpoints = checkpoints
        self.every = every
        self.keep = keep
        self.best = best
        self.resume = resume
    }

    /// The metrics `best:` can name for a task: what its evaluation reports each epoch.
    public static func bestMetrics(for task: TaskKind) -> [String] {
        switch task {
        case .singleLabel: ["loss", "accuracy", "macro_f1"]
        case .multiLabel: ["loss", "accuracy", "micro_f1", "macro_f1"]
        case .regression: ["loss", "mae", "pearson"]
        }
    }

    /// `train`'s parameters for these options, after those of `TrainOptions`.
    static let parameters: [Parameter] = [
        Parameter("name", .string, optional: true, doc: "the run's name in runs() and plot(runs:); default \"run N\""),
        Parameter("checkpoints", .string, optional: true, paths: true,
                  doc: "folder for the run's checkpoints (checkpoint-N, loadable by transformers)"),
        Parameter("every", .oneOf([.string, .int]), default: .string("epoch"),
                  doc: "evaluate and checkpoint at each \"epoch\" end, or also every N optimizer steps"),
        Parameter("keep", .int, optional: true, range: 1...1_000_000, doc: "checkpoints kept (the newest; never the best)"),
        Parameter("best", .string, optional: true,
                  doc: "end on the weights of the best evaluation: \"loss\", \"accuracy\", \"macro_f1\", \"mae\", ..."),
        Parameter("resume", .string, optional: true, paths: true,
                  doc: "continue the run in this folder (its latest checkpoint) or checkpoint folder"),
    ]

    /// Reads the bound arguments of `parameters`.
    init(_ args: Arguments) throws {
        name = try args.optionalString("name")
        checkpoints = try args.optionalString("checkpoints")
        keep = try args.optionalInt("keep")
        best = try args.optionalString("best")
        resume = try args.optionalString("resume")
        switch args["every"] {
        case .int(let n)?:
            guard n >= 1 else { throw SessionError(.argument, "every must be \"epoch\" or a number of steps ≥ 1, got \(n)", argument: "every") }
            every = .steps(n)
        case .string("epoch")?, nil:
            every = .epoch
        case .string(let text)?:
            guard let n = Int(text), n >= 1 else {
                throw SessionError(.argument, "every must be \"epoch\" or a number of optimizer steps such as 100, got \"\(text)\"",
                                   argument: "every")
            }
            every = .steps(n)
        default:
            throw SessionError(.argument, "every must be \"epoch\" or a number of optimizer steps", argument: "every")
        }
    }
}
