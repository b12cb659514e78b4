import Display
import Foundation
import TextDatasets
import XCTest
@testable import Bert
@testable import CellLanguage

/// `train` stores nothing before its first optimizer step: a call that fails before it leaves
/// the model (its config, and its weights bit for bit), the optimizer (the same object, its
/// options, step count and moments bit for bit), the history and the dataset as they were.
final class SessionTrainingAtomicityTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!

    override func setUpWithError() throws {
        workspace = try TinySentimentWorkspace(self)
    }


    private func assertFailsLeavingTheSessionAsItWas(_ session: Session, _ options: TrainOptions, ename: String,
                                                    file: StaticString = #filePath, line: UInt = #line) {
        let before = SessionSnapshot(session)
        XCTAssertThrowsError(try session.train(options), file: file, line: line) { error in
            let kind = (error as? SessionError)?.kind ?? (error as? CellErrorConvertible)?.sessionError.kind
            XCTAssertEqual(kind?.rawValue, ename, "\(error)", file: file, line: line)
        }
        XCTAssertEqual(SessionSnapshot(session), before, file: file, line: line)
    }

    func testANumericErrorAtTheFirstStepOfAFirstRunLeavesNoOptimizerAndNoHistory() throws {
        let session = Session()
        try session.load(model: modelDirectory.path, labels: 2)
        try session.load(dataset: dataPath, validation: 0.25)
        let classifier = try XCTUnwrap(session.model?.network.mutableParameter("classifier.weight"))
        classifier[0] = .nan
        assertFailsLeavingTheSessionAsItWas(session, TrainOptions(epochs: 2, batch: 8, maxLength: 32), ename: "NumericError")
        XCTAssertNil(session.component(OptimizerState.self))
        XCTAssertNil(session.component(TrainingHistory.self))
    }

    func testFailuresBeforeTheFirstStepOfASecondRunKeepTheOptimizerItsScheduleAndTheHistory() throws {
        let session = Session()
        try session.load(model: modelDirectory.path, labels: 2)
        try session.load(dataset: dataPath, validation: 0.25)
        try session.train(TrainOptions(epochs: 1, lr: 1e-3, batch: 8))
        let original = try XCTUnwrap(session.model?.network.parameter("classifier.weight"))[0]

        // An interrupt already pending: the encoding loop stops before the trainer starts.
        session.interrupt()
        assertFailsLeavingTheSessionAsItWas(session, TrainOptions(epochs: 3, lr: 2e-3, batch: 4, maxLength: 32),
                                            ename: "KeyboardInterrupt")
        session.clearInterrupt()

        // A non-finite loss at the first step: the trainer had already extended the schedule.
        session.model!.network.mutableParameter("classifier.weight")![0] = .nan
        assertFailsLeavingTheSessionAsItWas(session, TrainOptions(epochs: 3, lr: 2e-3, batch: 4, maxLength: 32, warmup: 0.5),
                                            ename: "NumericError")
        session.model!.network.mutableParameter("classifier.weight")![0] = original

        // And then a good run continues from the first run's optimizer.
        let report = try session.train(TrainOptions(epochs: 1, lr: 1e-3, batch: 8))
        XCTAssertEqual(report.optimizerStep, 10, "5 steps an epoch, twice")
    }

    /// A pre-trained model's fresh classifier gets the dataset's `problem_type` when `train`
    /// aligns it, in place; failing before the first step undoes that too.
    func testAnAlignmentOfThePretrainedModelIsUndoneWhenTrainFailsBeforeItsFirstStep() throws {
        let session = Session()
        try session.load(dataset: dataPath, validation: 0.25)
        try session.pretrain(options: TinyModelFixture.pretrainingOptions(steps: 1))
        XCTAssertNil(session.model?.config.problemType)
        session.interrupt()
        assertFailsLeavingTheSessionAsItWas(session, TrainOptions(epochs: 1, batch: 8, maxLength: 16), ename: "KeyboardInterrupt")
        session.clearInterrupt()
        XCTAssertNil(session.model?.config.problemType)
        try session.train(TrainOptions(epochs: 1, batch: 8, maxLength: 16))
        XCTAssertEqual(session.model?.config.problemType, "single_label_classification")
    }
}
