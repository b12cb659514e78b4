import Display
import Foundation
import XCTest
@testable import Bert
@testable import CellLanguage

/// `train(resume:)` ends on the same weights, bit for bit, as the same run without a break, from
/// every checkpoint the run wrote: mid-epoch (every 2 steps) and at epoch boundaries, for each case
/// of issue 15 point 2. The tiny model (2 layers, hidden 16) keeps each test to seconds; a fresh
/// `Session` for every resume stands for a restarted kernel (nothing is shared but the files).
final class ResumeExactnessTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!

    override func setUpWithError() throws {
        workspace = try TinySentimentWorkspace(self, rows: 60)
    }

    /// A new session with the tiny model and the dataset loaded, as a notebook's first cells do.
    private func freshSession(data: String? = nil) throws -> Session { try workspace.session(data: data) }

    /// A run built to overfit: random words with labels that no word predicts (a fixed
    /// pseudo-random sequence), so the training loss falls while the validation loss rises.
    static func noiseCSV(count: Int = 60) -> String {
        var state: UInt64 = 12345
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let words = TinyModelFixture.words.filter { $0.first!.isLetter && !$0.hasPrefix("#") }
        var lines = ["text,label"]
        for _ in 0..<count {
            let text = (0..<5).map { _ in words[Int(next() % UInt64(words.count))] }.joined(separator: " ")
            lines.append("\(text),\(next() % 2 == 0 ? "yes" : "no")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func weights(_ session: Session) -> [UInt32] {
        session.model!.network.parameters.array.map(\.bitPattern)
    }

    /// Runs `options` unbroken with checkpoints every 2 steps, then resumes from each checkpoint
    /// in a fresh session and compares the final weights bit for bit. Returns the checkpoints.
    @discardableResult
    private func assertResumesExactly(_ options: TrainOptions, best: String? = nil, data: String? = nil, name: String,
                                      file: StaticString = #filePath, line: UInt = #line) throws -> (checkpoints: [URL], report: TrainingReport) {
        let folder = directory.appendingPathComponent("runs-\(name)").path
        let unbroken = try freshSession(data: data)
        let report = try unbroken.train(options, run: RunOptions(checkpoints: folder, every: .steps(2), best: best))
        let expected = weights(unbroken)
        let checkpoints = TrainingCheckpoint.list(in: URL(fileURLWithPath: folder)).map(\.url)
        XCTAssertGreaterThan(checkpoints.count, 2, file: file, line: line)

        // Checkpoints change nothing: the same run without them ends on the same weights.
        let plain = try freshSession(data: data)
        try plain.train(options, run: RunOptions(every: .steps(2), best: best))
        XCTAssertEqual(weights(plain), expected, "checkpoints changed the run", file: file, line: line)

        for checkpoint in checkpoints {
            let state = try TrainingStateFile.read(checkpoint)
            if state.progress.isFinished { continue }
            let resumed = try freshSession(data: data)
            try resumed.train(options, run: RunOptions(every: .steps(2), best: best, resume: checkpoint.path))
            XCTAssertEqual(weights(resumed), expected, "resumed from \(checkpoint.lastPathComponent)", file: file, line: line)
        }
        return (checkpoints, report)
    }

    private var base: TrainOptions { TrainOptions(epochs: 3, lr: 1e-3, batch: 8, maxLength: 32) }

    func testResumingFromEpochBoundariesAndMidEpochGivesTheSameWeightsWithWarmupDecayAndDropout() throws {
        var options = base
        options.warmup = 0.3   // warmup over the first 6 of 18 steps, then linear decay
        let checkpoints = try assertResumesExactly(options, name: "warmup").checkpoints
        // 45 training rows, batch 8: 6 steps per epoch; every 2 steps lands on epoch ends and mid-epoch.
        let steps = checkpoints.compactMap { TrainingCheckpoint.step(ofName: $0.lastPathComponent) }
        XCTAssertTrue(steps.contains(6) && steps.contains(4), "\(steps)")
    }

    func testResumingWithGradientAccumulationGivesTheSameWeights() throws {
        var options = base
        options.accumulate = 2
        try assertResumesExactly(options, name: "accumulate")
    }

    func testResumingWithLengthGroupingAndClassWeightsGivesTheSameWeights() throws {
        var options = base
        options.groupByLength = true
        options.classWeights = true
        try assertResumesExactly(options, name: "grouped")
    }

    func testResumingWithEarlyStoppingGivesTheSameWeights() throws {
        var options = base
        options.epochs = 8
        options.lr = 1e-2
        options.patience = 2
        let noise = try TinyModelFixture.writeFile(Self.noiseCSV(), named: "noise.csv", in: directory).path
        let report = try assertResumesExactly(options, best: "loss", data: noise, name: "patience").report
        XCTAssertTrue(report.outcome.stoppedEarly, "the run was meant to stop early: \(report.outcome.progress.log)")
    }

    func testResumingACosineRunWithLayerDecayAndTheFirstLayerFrozenGivesTheSameWeights() throws {
        var options = base
        options.warmup = 0.2
        options.schedule = .cosine
        options.layerDecay = 0.8
        options.freeze = .layers(1)
        let checkpoints = try assertResumesExactly(options, name: "cosine-decay-freeze").checkpoints
        let state = try TrainingStateFile.read(checkpoints[0])
        XCTAssertEqual(state.stepOptions.schedule, .cosine)
        XCTAssertEqual(state.stepOptions.layerDecay, 0.8)
        XCTAssertEqual(state.stepOptions.trained, .fromLayer(1))
    }

    func testResumingAOneCycleRunOnAFrozenEncoderGivesTheSameWeights() throws {
        var options = base
        options.schedule = .oneCycle
        options.freeze = .encoder
        try assertResumesExactly(options, name: "one-cycle-encoder")
    }

    func testAStateFileFromBeforeSchedulesReadsAsLinearWithOneRateAndNothingFrozen() throws {
        let folder = directory.appendingPathComponent("runs-old").path
        try freshSession().train(base, run: RunOptions(checkpoints: folder))
        let checkpoint = try XCTUnwrap(TrainingCheckpoint.list(in: URL(fileURLWithPath: folder)).last?.url)
        let stateURL = checkpoint.appendingPathComponent(TrainingCheckpoint.stateFile)
        var text = try String(contentsOf: stateURL, encoding: .utf8)
        for key in ["schedule", "layer_decay", "frozen_layers", "layerDecay", "freeze"] {
            let pattern = try NSRegularExpression(pattern: "\"\(key)\":\\s*(\"[^\"]*\"|[-0-9.e]+),\\s*")
            let before = text
            text = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
            XCTAssertNotEqual(text, before, "\(key) was not in the file")
        }
        try text.write(to: stateURL, atomically: true, encoding: .utf8)
        let state = try TrainingStateFile.read(checkpoint)
        XCTAssertEqual(state.stepOptions.schedule, .linear)
        XCTAssertEqual(state.stepOptions.layerDecay, 1)
        XCTAssertEqual(state.stepOptions.trained, .all)
        XCTAssertEqual(state.options.freeze, .layers(0))
        XCTAssertEqual(state.options.layerDecay, 1)
    }

    func testResumeWithMoreEpochsExtendsTheRun() throws {
        let folder = directory.appendingPathComponent("runs-extend").path
        let first = try freshSession()
        try first.train(base, run: RunOptions(checkpoints: folder))
        var longer = base
        longer.epochs = 5
        let resumed = try freshSession()
        let report = try resumed.train(longer, run: RunOptions(resume: folder))
        XCTAssertEqual(report.optimizerStep, 30)
        XCTAssertEqual(resumed.optimizer?.step.options.totalSteps, 30)
        XCTAssertThrowsError(try freshSession().train(base, run: RunOptions(resume: folder))) { error in
            XCTAssertTrue("\(error)".contains("complete"), "\(error)")
        }
    }
}
