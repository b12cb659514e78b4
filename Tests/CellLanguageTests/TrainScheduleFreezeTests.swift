@testable import Bert
import Display
import Foundation
import XCTest
@testable import CellLanguage

/// `train(schedule:, layerDecay:, freeze:)` through the cell language (issue 18 parts 2-4): the
/// options reach the optimizer, `plot("lr")` draws the schedule, and bad values are
/// ArgumentErrors that leave the session as it was. The tiny model has 2 layers.
final class TrainScheduleFreezeTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private let sink = RecordingSink()

    override func setUpWithError() throws { workspace = try TinySentimentWorkspace(self) }

    private func engine() -> Engine {
        let engine = Engine()
        for code in ["load(model: \"\(modelDirectory.path)\", labels: 2)", "load(dataset: \"\(dataPath)\", validation: 0.25)"] {
            XCTAssertNil(engine.execute(code, output: sink).error, code)
        }
        return engine
    }

    func testTheOptionsReachTheOptimizerAndPlotLrDrawsTheCosineSchedule() throws {
        let engine = engine()
        let outcome = engine.execute("train(epochs: 2, lr: 1e-3, batch: 8, maxLength: 32, warmup: 0.2, schedule: \"cosine\", "
                                     + "layerDecay: 0.8, freeze: 1)", output: sink)
        XCTAssertNil(outcome.error)
        let hyperparameters = outcome.value?.data[MimeBundle.numbersType]?["hyperparameters"]
        XCTAssertEqual(hyperparameters?["schedule"], .string("cosine"))
        XCTAssertEqual(hyperparameters?["layerDecay"], .double(0.8))
        XCTAssertEqual(hyperparameters?["freeze"], .int(1))
        let step = try XCTUnwrap(engine.session.optimizer?.step)
        XCTAssertEqual(step.options.schedule, .cosine)
        XCTAssertEqual(step.options.layerDecay, 0.8)
        XCTAssertEqual(step.options.trained, .fromLayer(1))
        let plot = try engine.session.plot(.lr)
        XCTAssertTrue(plot.description.hasPrefix("cosine schedule, warmup \(step.options.warmupSteps) of \(step.step) steps"),
                      plot.description)
        // The history's rates are the schedule's.
        for record in engine.session.history.steps {
            XCTAssertEqual(record.learningRate, Double(step.schedule.learningRate(at: record.step - 1)))
        }
    }

    func testBadScheduleLayerDecayAndFreezeAreArgumentErrorsThatLeaveTheSessionAsItWas() throws {
        let engine = engine()
        XCTAssertNil(engine.execute("train(epochs: 1, lr: 1e-3, batch: 8, maxLength: 32)", output: sink).error)
        let session = engine.session
        let weights = session.model!.network.parameters.array.map(\.bitPattern)
        let optimizer = try XCTUnwrap(session.optimizer)
        let options = optimizer.step.options, moments = optimizer.step.optimizer.m.array.map(\.bitPattern)
        let steps = session.history.steps.count
        let cases: [(String, String)] = [
            ("freeze: 3", "freeze: 3 would freeze more than the model's 2 layers"),
            ("freeze: \"decoder\"", "must be one of \"encoder\""),
            ("freeze: -1", "must be between 0 and 1000"),
            ("layerDecay: 0", "must be in (0, 1]"),
            ("layerDecay: 1.5", "must be in (0, 1]"),
            ("schedule: \"cosin\"", "did you mean 'cosine'?"),
        ]
        for (argument, message) in cases {
            let error = engine.execute("train(epochs: 1, batch: 8, maxLength: 32, \(argument))", output: sink).error
            XCTAssertEqual(error?.ename, "ArgumentError", argument)
            XCTAssertTrue(error?.evalue.contains(message) ?? false, "\(argument): \(error?.evalue ?? "no error")")
            XCTAssertEqual(session.model!.network.parameters.array.map(\.bitPattern), weights, argument)
            XCTAssertTrue(session.optimizer === optimizer, argument)
            XCTAssertEqual(optimizer.step.options, options, argument)
            XCTAssertEqual(optimizer.step.optimizer.m.array.map(\.bitPattern), moments, argument)
            XCTAssertEqual(session.history.steps.count, steps, argument)
        }
    }

    func testAFailedFirstStepWithAnotherFreezeKeepsEveryMomentOfTheOptimizer() throws {
        // Freezing drops moments only at an update: a run that fails before its first one leaves
        // the optimizer's moments of the (then) frozen layers as they were.
        let engine = engine()
        XCTAssertNil(engine.execute("train(epochs: 1, lr: 1e-3, batch: 8, maxLength: 32)", output: sink).error)
        let step = try XCTUnwrap(engine.session.optimizer?.step)
        let moments = step.optimizer.m.array.map(\.bitPattern)
        XCTAssertEqual(moments.count, step.network.parameters.count)
        let classifier = engine.session.model!.network.mutableParameter("classifier.weight")!
        let original = classifier[0]
        classifier[0] = .nan
        XCTAssertEqual(engine.execute("train(epochs: 1, batch: 8, maxLength: 32, freeze: \"encoder\")", output: sink).error?.ename,
                       "NumericError")
        classifier[0] = original
        XCTAssertEqual(step.optimizer.m.array.map(\.bitPattern), moments)
        // A good run with the encoder frozen then keeps moments for the heads alone.
        XCTAssertNil(engine.execute("train(epochs: 1, batch: 8, maxLength: 32, freeze: \"encoder\")", output: sink).error)
        let heads = step.network.layout["bert.pooler.dense.weight"]!.offset
        XCTAssertEqual(step.optimizer.m.count, step.network.parameters.count - heads)
    }
}
