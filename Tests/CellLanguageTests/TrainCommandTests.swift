import Bert
import Display
import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

/// The `train` command is generated from `TrainOptions.declarations`: its parameters, their
/// defaults, ranges and docs, and the options its handler passes to `Session.train`.
final class TrainCommandTests: XCTestCase {
    /// The declared options first, then the run's (`RunOptions.parameters`: name, checkpoints, ...).
    func testTheParametersAreTheDeclaredOptions() throws {
        let train = try XCTUnwrap(CommandRegistry.standard().overloads("train").first)
        XCTAssertEqual(train.parameters.count, TrainOptions.declarations.count + RunOptions.parameters.count)
        XCTAssertEqual(train.parameters.suffix(RunOptions.parameters.count).map(\.label),
                       ["name", "checkpoints", "every", "keep", "best", "resume"])
        for (parameter, option) in zip(train.parameters, TrainOptions.declarations) {
            XCTAssertEqual(parameter.label, option.name)
            XCTAssertEqual(parameter.defaultValue, Value(option.defaultValue), option.name)
            XCTAssertEqual(parameter.optional, option.optional, option.name)
            XCTAssertEqual(parameter.range, option.range, option.name)
            XCTAssertEqual(parameter.doc, option.doc, option.name)
        }
    }

    /// A declared range is checked when the call is bound, with the caret under the argument,
    /// whether or not a model is loaded.
    func testAnOutOfRangeArgumentIsAnArgumentErrorNamingItsRange() {
        let engine = Engine()
        let sink = RecordingSink()
        XCTAssertEqual(engine.execute("train(lr: 5)", output: sink).error?.evalue,
                       "train(...) argument 'lr:' must be in (0, 1), got 5")
        XCTAssertEqual(engine.execute("train(labelSmoothing: 1)", output: sink).error?.evalue,
                       "train(...) argument 'labelSmoothing:' must be in [0, 1), got 1")
        XCTAssertEqual(engine.execute("train(epochs: 0)", output: sink).error?.evalue,
                       "train(...) argument 'epochs:' must be between 1 and 10000, got 0")
    }

    /// The arguments reach the options (those with an effect on the session's state: all but
    /// patience, which one epoch cannot show, and groupByLength, which only reorders).
    func testTheHandlerPassesEveryArgument() throws {
        let directory = try makeTemporaryDirectory("bert-session")
        let model = try TinyModelFixture.write(to: directory.appendingPathComponent("tiny"))
        let data = try TinyModelFixture.writeFile(TinyModelFixture.sentimentCSV(), named: "reviews.csv", in: directory).path
        let engine = Engine()
        let sink = RecordingSink()
        for code in ["load(model: \"\(model.path)\", labels: 2)", "load(dataset: \"\(data)\", validation: 0.25)"] {
            XCTAssertNil(engine.execute(code, output: sink).error)
        }
        // The typed API checks the same declaration.
        XCTAssertThrowsError(try engine.session.train(TrainOptions(lr: 5))) { error in
            XCTAssertEqual((error as? SessionError)?.argument, "lr")
            XCTAssertEqual((error as? SessionError)?.message, "lr must be in (0, 1), got 5")
        }
        let outcome = engine.execute("""
            train(epochs: 1, lr: 2e-3, batch: 8, maxLength: 32, warmup: 0.5, weightDecay: 0.02, seed: 3, clip: nil,
                  accumulate: 2, patience: 2, classWeights: true, labelSmoothing: 0.1, groupByLength: true)
            """, output: sink)
        XCTAssertNil(outcome.error)
        // 36 examples in batches of 8 = 5 batches, 2 per step = 3 steps; warmup ceil(0.5 · 3) = 2.
        let step = try XCTUnwrap(engine.session.optimizer?.step.options)
        XCTAssertEqual(engine.session.history.steps.count, 3)
        XCTAssertEqual(step.warmupSteps, 2)
        XCTAssertEqual(step.totalSteps, 3)
        XCTAssertEqual(step.learningRate, 2e-3)
        XCTAssertEqual(step.weightDecay, 0.02)
        XCTAssertEqual(step.dropoutSeed, 3)
        XCTAssertNil(step.maxGradNorm)
        XCTAssertEqual(step.loss.labelSmoothing, 0.1)
        XCTAssertEqual(engine.session.history.maxLength, 32)
        XCTAssertNotNil(step.loss.classWeights)
    }
}
