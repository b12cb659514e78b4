@testable import Bert
import TextDatasets
@testable import CellLanguage

/// Everything a session holds that a failed `train` or an `lrFind` must leave as it was, as
/// bits: the model and its weights, the optimizer and its moments, the history, the run log and
/// the dataset. Compare two with `XCTAssertEqual`.
struct SessionSnapshot: Equatable {
    var model: ObjectIdentifier?
    var config: BertConfig?
    var weights: [UInt32]
    var optimizer: ObjectIdentifier?
    var optimizerOptions: TrainingStep.Options?
    var optimizerStep: Int?
    var moments: [UInt32]
    var hasHistory: Bool
    var steps: [TrainingHistory.StepRecord]
    var epochs: [TrainingHistory.EpochRecord]
    var tokenLengths: [Int]
    var maxLength: Int?
    var task: TaskKind?
    var runs: [String]
    var runSteps: [[UInt64]]
    var dataset: [Example]?
    var datasetLabels: [String]?

    init(_ session: Session) {
        let model = session.model
        self.model = model.map(ObjectIdentifier.init)
        config = model?.config
        weights = model?.network.parameters.array.map(\.bitPattern) ?? []
        let optimizer = session.component(OptimizerState.self)
        self.optimizer = optimizer.map(ObjectIdentifier.init)
        optimizerOptions = optimizer?.step.options
        optimizerStep = optimizer?.step.step
        moments = optimizer.map { ($0.step.optimizer.m.array + $0.step.optimizer.v.array).map(\.bitPattern) } ?? []
        hasHistory = session.component(TrainingHistory.self) != nil
        let history = session.history
        steps = history.steps
        epochs = history.epochs
        tokenLengths = history.tokenLengths
        maxLength = history.maxLength
        task = history.task
        runs = session.runLog.runs.map { "\($0.name) \($0.status) \($0.globalStep)" }
        runSteps = session.runLog.runs.map { $0.steps.flatMap { [UInt64($0.step), $0.loss.bitPattern, $0.learningRate.bitPattern] } }
        dataset = session.dataset.map { $0.dataset.train + $0.dataset.validation }
        datasetLabels = session.dataset?.labelNames
    }
}
