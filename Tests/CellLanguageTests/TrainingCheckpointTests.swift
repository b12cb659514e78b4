import Display
import ExactJSON
import Foundation
import XCTest
@testable import Bert
@testable import CellLanguage

/// `train(checkpoints:every:keep:best:resume:)` on the tiny model: what a checkpoint holds,
/// `keep:` never deleting the best, the interrupt checkpoint, and every bad checkpoint or full
/// disk failing with a clear error that leaves the session and the earlier checkpoints as they were.
final class TrainingCheckpointTests: XCTestCase, TinySentimentTest {
    var workspace: TinySentimentWorkspace!
    private let options = TrainOptions(epochs: 2, lr: 1e-3, batch: 8, maxLength: 32)

    override func setUpWithError() throws {
        workspace = try TinySentimentWorkspace(self, rows: 60)
    }

    private func freshSession(data: String? = nil, model: URL? = nil) throws -> Session {
        try workspace.session(data: data, model: model)
    }

    private func weights(_ session: Session) -> [UInt32] { session.model!.network.parameters.array.map(\.bitPattern) }

    private func folder(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func files(in url: URL) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [])
    }

    // MARK: point 5

    func testEvaluateAndPredictDefaultToTheMaxLengthOfTheLastTrain() throws {
        let session = try freshSession()
        try session.train(TrainOptions(epochs: 1, batch: 8, maxLength: 4))
        XCTAssertEqual(session.defaultMaxLength(nil), 4)
        XCTAssertEqual(try session.evaluate().loss, try session.evaluate(maxLength: 4).loss)
        XCTAssertNotEqual(try session.evaluate().loss, try session.evaluate(maxLength: 128).loss)
        let text = "the film was very great and the music was really good ."
        XCTAssertEqual(try session.predict([text]).json, try session.predict([text], maxLength: 4).json)
        try session.load(model: modelDirectory.path, labels: 2)   // a new model: its own default
        XCTAssertEqual(session.defaultMaxLength(nil), 128)
    }

    // MARK: point 1

    func testACheckpointHoldsTheModelTheOptimizerAndATransformersTrainerState() throws {
        let session = try freshSession()
        try session.train(options, run: RunOptions(checkpoints: folder("runs/a")))
        let checkpoints = TrainingCheckpoint.list(in: URL(fileURLWithPath: folder("runs/a")))
        XCTAssertEqual(checkpoints.map(\.step), [6, 12])
        let last = try XCTUnwrap(checkpoints.last?.url)
        XCTAssertTrue(files(in: last).isSuperset(of: ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json",
                                                      "optimizer.safetensors", "training_state.json", "trainer_state.json"]))
        // The model is what `save` writes: load(model:) reads it back to the same weights.
        let reloaded = Session()
        try reloaded.load(model: last.path)
        XCTAssertEqual(weights(reloaded), weights(session))
        let state = try OrderedJSON.parse(Array(Data(contentsOf: last.appendingPathComponent("trainer_state.json"))))
        XCTAssertEqual(state["global_step"]?.intValue, 12)
        XCTAssertEqual(state["epoch"]?.doubleValue, 2.0)
        XCTAssertEqual(state["num_train_epochs"]?.intValue, 2)
        let log = try XCTUnwrap(state["log_history"]?.elements)
        XCTAssertEqual(log.count, 12 + 2)   // every step and both evaluations
        XCTAssertNotNil(log.last?["eval_loss"]?.doubleValue)
        XCTAssertEqual(state.members?.map(\.key), state.members?.map(\.key).sorted())
    }

    func testKeepDeletesTheOldestButNeverTheBest() throws {
        let noise = try TinyModelFixture.writeFile(ResumeExactnessTests.noiseCSV(), named: "noise.csv", in: directory).path
        let session = try freshSession(data: noise)
        var overfit = options
        overfit.epochs = 6
        overfit.lr = 1e-2
        let report = try session.train(overfit, run: RunOptions(checkpoints: folder("runs/keep"), every: .steps(2), keep: 2,
                                                               best: "loss"))
        let best = try XCTUnwrap(report.outcome.progress.best)
        let kept = TrainingCheckpoint.list(in: URL(fileURLWithPath: folder("runs/keep"))).map(\.url.lastPathComponent)
        XCTAssertEqual(kept.count, 2, "\(kept)")
        XCTAssertTrue(kept.contains(best.checkpoint!), "best \(best.checkpoint!) not in \(kept)")
        XCTAssertEqual(kept.last, "checkpoint-36")
        XCTAssertLessThan(best.globalStep, 36, "the run was built to overfit; its best evaluation should not be the last")
        // The run ends on the best weights: those of the best checkpoint.
        let bestModel = Session()
        try bestModel.load(model: folder("runs/keep/\(best.checkpoint!)"))
        XCTAssertEqual(weights(bestModel), weights(session))
    }

    /// `best:` names a metric of the task's evaluation (with its direction) and needs a validation split.
    func testBestNeedsAValidationSplitAndAMetricOfTheTask() throws {
        let session = Session()
        try session.load(model: modelDirectory.path, labels: 2)
        try session.load(dataset: dataPath, validation: 0)
        XCTAssertThrowsError(try session.train(options, run: RunOptions(best: "accuracy"))) { error in
            XCTAssertEqual((error as? SessionError)?.kind, .argument)
            XCTAssertEqual((error as? SessionError)?.argument, "best")
            XCTAssertTrue("\(error)".contains("validation: 0.1"), "\(error)")
        }
        let withValidation = try freshSession()
        XCTAssertThrowsError(try withValidation.train(options, run: RunOptions(best: "mae"))) { error in
            XCTAssertTrue("\(error)".contains("\"loss\", \"accuracy\", \"macro_f1\""), "\(error)")
        }
        XCTAssertNil(withValidation.optimizer)
        XCTAssertTrue(BestMetric("loss").improves(0.4, on: 0.5) && !BestMetric("loss").improves(0.6, on: 0.5))
        XCTAssertTrue(BestMetric("macro_f1").improves(0.6, on: 0.5) && !BestMetric("accuracy").improves(0.5, on: 0.5))
        XCTAssertFalse(BestMetric("mae").greaterIsBetter)
    }

    func testANewRunRefusesAFolderHoldingAnotherRunsCheckpoints() throws {
        try freshSession().train(options, run: RunOptions(checkpoints: folder("runs/b")))
        let session = try freshSession()
        XCTAssertThrowsError(try session.train(options, run: RunOptions(checkpoints: folder("runs/b")))) { error in
            XCTAssertTrue("\(error)".contains("another run"), "\(error)")
        }
        XCTAssertNil(session.optimizer)
    }

    func testAnInterruptWritesACheckpointThatSaysWhereAndResumesExactly() throws {
        let unbroken = try freshSession()
        try unbroken.train(options)
        let session = try freshSession()
        let sink = InterruptingSink(session)
        XCTAssertThrowsError(try session.train(options, run: RunOptions(checkpoints: folder("runs/i")), output: sink)) { error in
            XCTAssertEqual(error as? SessionError, .interrupted)
        }
        XCTAssertTrue(sink.text.contains("Interrupted: saved checkpoint \(folder("runs/i"))/checkpoint-1"), sink.text)
        XCTAssertTrue(sink.text.contains("train(resume: \"\(folder("runs/i"))\")"), sink.text)
        XCTAssertEqual(session.optimizer?.step.step, 1)
        let resumed = try freshSession()
        try resumed.train(options, run: RunOptions(resume: folder("runs/i")))
        XCTAssertEqual(weights(resumed), weights(unbroken))
        // The resumed session's history holds the whole run, for plot("loss").
        XCTAssertEqual(resumed.history.steps.map(\.step), Array(1...12))
        XCTAssertEqual(resumed.history.steps.map(\.loss), unbroken.history.steps.map(\.loss))
    }

    // MARK: bad input

    /// `train(resume:)` fails with `kind` and a message containing `words`, leaving the session
    /// (weights, optimizer) as it was.
    private func assertResumeFails(_ session: Session, _ options: TrainOptions, from path: String, kind: ErrorKind,
                                   _ words: String, file: StaticString = #filePath, line: UInt = #line) {
        let before = weights(session)
        let optimizer = session.optimizer.map(ObjectIdentifier.init)
        XCTAssertThrowsError(try session.train(options, run: RunOptions(resume: path)), file: file, line: line) { error in
            let sessionError = (error as? SessionError) ?? (error as? CellErrorConvertible)?.sessionError
            XCTAssertEqual(sessionError?.kind, kind, "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(words), "\(error)", file: file, line: line)
        }
        XCTAssertEqual(weights(session), before, file: file, line: line)
        XCTAssertEqual(session.optimizer.map(ObjectIdentifier.init), optimizer, file: file, line: line)
    }

    func testBadCheckpointsAreClearErrorsThatKeepTheSession() throws {
        try freshSession().train(options, run: RunOptions(checkpoints: folder("runs/c"), every: .steps(4)))
        let first = URL(fileURLWithPath: folder("runs/c/checkpoint-4"))
        let session = try freshSession()
        try session.train(TrainOptions(epochs: 1, batch: 8, maxLength: 32))   // a session with state to keep

        assertResumeFails(session, options, from: folder("runs/missing"), kind: .file, "does not exist")
        assertResumeFails(session, options, from: modelDirectory.path, kind: .file, "saved model")

        // Half-written: a checkpoint folder without its state file (a copy cut short).
        let half = URL(fileURLWithPath: folder("half/checkpoint-8"))
        try FileManager.default.createDirectory(at: half, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: first.appendingPathComponent("model.safetensors"),
                                         to: half.appendingPathComponent("model.safetensors"))
        assertResumeFails(session, options, from: half.path, kind: .file, "not a complete checkpoint")

        // Corrupt: the state file cut in half, the optimizer file truncated.
        let corrupt = URL(fileURLWithPath: folder("corrupt/checkpoint-4"))
        try FileManager.default.createDirectory(at: corrupt.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: first, to: corrupt)
        let state = try Data(contentsOf: corrupt.appendingPathComponent("training_state.json"))
        try state.prefix(state.count / 2).write(to: corrupt.appendingPathComponent("training_state.json"))
        assertResumeFails(session, options, from: corrupt.path, kind: .format, "corrupt")
        try state.write(to: corrupt.appendingPathComponent("training_state.json"))
        let optimizer = try Data(contentsOf: corrupt.appendingPathComponent("optimizer.safetensors"))
        try optimizer.prefix(100).write(to: corrupt.appendingPathComponent("optimizer.safetensors"))
        assertResumeFails(session, options, from: corrupt.path, kind: .format, "optimizer.safetensors")

        // Other options, another dataset, another vocabulary: named.
        var otherLR = options
        otherLR.lr = 5e-4
        assertResumeFails(session, otherLR, from: first.path, kind: .argument, "lr: 0.001, this call gives 0.0005")
        let other = try TinyModelFixture.writeFile(TinyModelFixture.sentimentCSV(count: 48), named: "other.csv", in: directory).path
        let otherData = try freshSession(data: other)
        assertResumeFails(otherData, options, from: first.path, kind: .state, "45 training examples; the dataset has 36")
        let otherModel = directory.appendingPathComponent("tiny-other-vocab")
        try FileManager.default.copyItem(at: modelDirectory, to: otherModel)
        let vocabulary = try String(contentsOf: otherModel.appendingPathComponent("vocab.txt"), encoding: .utf8)
        try vocabulary.replacingOccurrences(of: "film", with: "book")
            .write(to: otherModel.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        assertResumeFails(try freshSession(model: otherModel), options, from: first.path, kind: .state, "vocabulary")
    }

    /// A write that fails half way through a checkpoint (the test seam in `SaveDirectory`, as a
    /// full disk would) stops training with a file error; the earlier checkpoints stay whole and
    /// no half-written checkpoint is left under a checkpoint's name.
    func testAFailedCheckpointWriteLeavesThePreviousCheckpointsIntact() throws {
        var writes = 0
        SaveDirectory.injectedWriteFailure = { url in
            guard url.lastPathComponent == "optimizer.safetensors" else { return nil }
            writes += 1
            return writes == 3 ? ENOSPC : nil
        }
        defer { SaveDirectory.injectedWriteFailure = nil }
        let session = try freshSession()
        XCTAssertThrowsError(try session.train(options, run: RunOptions(checkpoints: folder("runs/full"), every: .steps(2)))) {
            XCTAssertTrue("\($0)".contains("No space left") || "\($0)".contains("space"), "\($0)")
        }
        try assertIntactCheckpoints(in: URL(fileURLWithPath: folder("runs/full")), steps: [2, 4])
        XCTAssertEqual(session.optimizer?.step.step, 6, "the steps done are kept")
    }

    /// The same on a real full disk: a 1 MiB tmpfs (needs CAP_SYS_ADMIN; skipped where mount is refused).
    func testAFullDiskLeavesThePreviousCheckpointsIntact() throws {
        let mountPoint = directory.appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.path]
        mount.standardError = FileHandle.nullDevice
        try? mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here (needs root); the seam test covers it") }
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = [mountPoint.path]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        let session = try freshSession()
        var long = options
        long.epochs = 20
        XCTAssertThrowsError(try session.train(long, run: RunOptions(checkpoints: mountPoint.appendingPathComponent("run").path,
                                                                     every: .steps(1)))) {
            XCTAssertTrue("\($0)".contains("space"), "\($0)")
        }
        let kept = TrainingCheckpoint.list(in: mountPoint.appendingPathComponent("run"))
        XCTAssertGreaterThan(kept.count, 1)
        try assertIntactCheckpoints(in: mountPoint.appendingPathComponent("run"), steps: kept.map(\.step))
        let hidden = files(in: mountPoint.appendingPathComponent("run")).filter { $0.hasPrefix(".") }
        XCTAssertEqual(hidden, [], "a half-written checkpoint was left")
    }

    private func assertIntactCheckpoints(in folder: URL, steps: [Int], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(TrainingCheckpoint.list(in: folder).map(\.step), steps, file: file, line: line)
        for (_, url) in TrainingCheckpoint.list(in: folder) {
            let loaded = try TrainingStateFile.read(url)
            let network = try BertCheckpoint.load(from: url).network
            _ = try loaded.restore(into: network)
        }
        XCTAssertEqual(files(in: folder).filter { $0.hasPrefix(".") }, [], file: file, line: line)
    }
}
