import Foundation
import Numerics
import XCTest
@testable import Bert

/// The Trainer's loop against the PyTorch-checked `TrainingStep`, and dynamic padding.
final class TrainerTests: XCTestCase {
    /// Twelve examples of varied lengths over the tiny vocabulary, labels 0..<3.
    private func examples(count: Int = 12, seed: UInt64 = 3) -> [EncodedExample] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let length = 3 + generator.nextInt(below: 9)
            let ids = [2] + (0..<(length - 2)).map { _ in Int32(5 + generator.nextInt(below: 110)) } + [3]
            let types = (0..<length).map { Int32($0 >= length / 2 && i % 3 == 0 ? 1 : 0) }
            return EncodedExample(ids: ids, typeIds: types, label: i % 3)
        }
    }

    func testTrainerStepsEqualTrainingStepOnTheSameShuffledPaddedBatchesBitForBit() throws {
        try checkTrainerAgainstHandMadeSteps(groupByLength: false)
    }

    func testGroupedByLengthTheTrainerStepsEqualTrainingStepOnLengthGroupedBatches() throws {
        // The same with `groupByLength`: the shuffled order goes through LengthGrouping with the
        // examples of one optimizer step (batch 3 × accumulate 2) as transformers does.
        try checkTrainerAgainstHandMadeSteps(groupByLength: true)
    }

    private func checkTrainerAgainstHandMadeSteps(groupByLength: Bool) throws {
        let data = examples()
        let options = TrainOptions(epochs: 2, lr: 1e-3, batch: 3, warmup: 0.25, weightDecay: 0.05, seed: 5,
                                   clip: 1.0, accumulate: 2, groupByLength: groupByLength)
        // The Trainer.
        let (ours, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let step = try TrainingStep(network: ours, options: .init(learningRate: 1, totalSteps: 1))
        var losses: [Double] = []
        var learningRates: [Double] = []
        let outcome = try Trainer(step: step, paddingId: 0).run(train: data, validation: [], options: options,
                                                               onStep: { losses.append($0.loss); learningRates.append($0.learningRate) })
        // 12 examples / 3 = 4 batches = 2 steps an epoch; warmup ceil(0.25 · 4) = 1 step.
        XCTAssertEqual(outcome.steps, 4)
        XCTAssertEqual(step.options.warmupSteps, 1)
        XCTAssertEqual(step.options.totalSteps, 4)

        // The same by hand: seeded shuffle per epoch (grouped by length if asked), batches of 3
        // padded to their longest, two micro-batches per TrainingStep.run.
        let (reference, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let manual = try TrainingStep(network: reference, options: .init(
            learningRate: 1e-3, warmupSteps: 1, totalSteps: 4, weightDecay: 0.05, maxGradNorm: 1.0, dropoutSeed: 5))
        var manualLosses: [Double] = []
        var paddedTokens = 0
        for epoch in 0..<2 {
            var generator = SeededGenerator(seed: 5 &+ UInt64(epoch) &* 0x9E37_79B9)
            var order = generator.shuffled(Array(data.indices))
            if groupByLength {
                order = LengthGrouping.order(shuffled: order, lengths: data.map(\.count), batchSize: 6)
            }
            let batches = try stride(from: 0, to: 12, by: 3).map { start -> (BertBatch, BertLabels) in
                let chosen = order[start..<(start + 3)].map { data[$0] }
                return (try Predictor.batch(chosen, paddingId: 0, limit: 64), .classes(chosen.map { Int32($0.label) }))
            }
            paddedTokens += batches.map { $0.0.batchSize * $0.0.sequenceLength }.reduce(0, +)
            for first in stride(from: 0, to: 4, by: 2) {
                let result = try manual.run(Array(batches[first..<(first + 2)]))
                manualLosses.append(Double(result.microLosses.map(Double.init).reduce(0, +) / 2))
            }
        }
        XCTAssertEqual(losses, manualLosses)
        for (ours, expected) in zip(learningRates, [0, 1e-3, 1e-3 * 2 / 3, 1e-3 / 3]) {
            XCTAssertEqual(ours, expected, accuracy: 1e-10, "linear warmup over 1 step, decay to 0 at step 4")
        }
        XCTAssertEqual(ours.parameters.array.map(\.bitPattern), reference.parameters.array.map(\.bitPattern))
        // Grouping pads less than plain shuffling on these lengths (3 to 11 tokens): 24 examples
        // over two epochs padded to 216 tokens shuffled, fewer grouped.
        if groupByLength { XCTAssertLessThan(paddedTokens, try paddedTokensShuffled(data)) }
    }

    private func paddedTokensShuffled(_ data: [EncodedExample]) throws -> Int {
        var total = 0
        for epoch in 0..<2 {
            var generator = SeededGenerator(seed: 5 &+ UInt64(epoch) &* 0x9E37_79B9)
            let order = generator.shuffled(Array(data.indices))
            for start in stride(from: 0, to: 12, by: 3) { total += 3 * order[start..<(start + 3)].map { data[$0].count }.max()! }
        }
        return total
    }

    /// The trainer builds each task's labels from the examples' targets (multi-hot rows, the
    /// regression values, smoothed classes) as a hand-made `TrainingStep` batch has them: the
    /// same losses and bit-identical weights after one epoch. The task is the config's.
    func testTrainerFeedsEachTasksLossTheTargetsATrainingStepGetsByHand() throws {
        let base = examples(count: 8)
        let multiHot: [[Float]] = base.indices.map { i in [Float(i % 2), Float((i / 2) % 2), Float(i % 3 == 0 ? 1 : 0)] }
        let values: [Float] = base.indices.map { Float($0) * 0.25 - 0.75 }
        let cases: [(problemType: String, labels: [String], data: [EncodedExample], batchLabels: ([Int]) -> BertLabels,
                     smoothing: Double)] = [
            ("multi_label_classification", ["a", "b", "c"],
             base.enumerated().map { i, e in
                 EncodedExample(ids: e.ids, typeIds: e.typeIds, target: .classIDs((0..<3).filter { multiHot[i][$0] == 1 }))
             },
             { rows in .multiLabel(rows.flatMap { multiHot[$0] }) }, 0),
            ("regression", ["score"],
             base.enumerated().map { i, e in EncodedExample(ids: e.ids, typeIds: e.typeIds, target: .value(Double(values[i]))) },
             { rows in .regression(rows.map { values[$0] }) }, 0),
            ("single_label_classification", ["neg", "neu", "pos"], base,
             { rows in .classes(rows.map { Int32(base[$0].label) }) }, 0.1),
        ]
        for task in cases {
            func load() throws -> BertNetwork {
                let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier, labels: task.labels)
                try network.updateConfig { $0.problemType = task.problemType }
                return network
            }
            let ours = try load()
            let step = try TrainingStep(network: ours, options: .init(learningRate: 1, totalSteps: 1))
            var losses: [Double] = []
            let outcome = try Trainer(step: step, paddingId: 0).run(
                train: task.data, validation: task.data,
                options: .init(epochs: 1, lr: 1e-3, batch: 4, seed: 9, labelSmoothing: task.smoothing),
                onStep: { losses.append($0.loss) })
            XCTAssertEqual(outcome.epochs[0].validation?.task.rawValue, task.problemType)

            let reference = try load()
            let manual = try TrainingStep(network: reference, options: .init(
                learningRate: 1e-3, totalSteps: 2, weightDecay: 0.01, maxGradNorm: 1.0,
                loss: LossOptions(labelSmoothing: Float(task.smoothing)), dropoutSeed: 9))
            var generator = SeededGenerator(seed: 9)
            let order = generator.shuffled(Array(base.indices))
            var manualLosses: [Double] = []
            for start in stride(from: 0, to: 8, by: 4) {
                let rows = Array(order[start..<(start + 4)])
                let batch = try Predictor.batch(rows.map { task.data[$0] }, paddingId: 0, limit: 64)
                manualLosses.append(Double(try manual.run([(batch, task.batchLabels(rows))]).loss))
            }
            XCTAssertEqual(losses, manualLosses, task.problemType)
            XCTAssertEqual(ours.parameters.array.map(\.bitPattern), reference.parameters.array.map(\.bitPattern), task.problemType)
        }
    }

    func testDynamicPaddingGivesTheLogitsOfEachExampleAlone() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let data = examples(count: 7)
        let result = try Evaluation(network: network, paddingId: 0).run(data, batchSize: 4)
        for (index, example) in data.enumerated() {
            let alone = try network.infer(try Predictor.batch([example], paddingId: 0)).logits!
            for (a, b) in zip(result.logits[index], alone) { XCTAssertEqual(a, b, accuracy: 1e-5, "example \(index)") }
        }
        let expectedAccuracy = Double(zip(result.predictions, data.map(\.label)).filter { $0 == $1 }.count) / 7
        XCTAssertEqual(result.accuracy, expectedAccuracy)
        XCTAssertEqual(result.probabilities[0].reduce(0, +), 1, accuracy: 1e-6)
    }

    func testASecondRunExtendsTheScheduleAndKeepsTheStepCount() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let step = try TrainingStep(network: network, options: .init(learningRate: 1, totalSteps: 1))
        let trainer = Trainer(step: step, paddingId: 0)
        let options = TrainOptions(epochs: 1, lr: 1e-3, batch: 4, warmup: 0.5)
        _ = try trainer.run(train: examples(), validation: [], options: options)
        XCTAssertEqual(step.step, 3)
        XCTAssertEqual(step.options.warmupSteps, 2)
        _ = try trainer.run(train: examples(), validation: [], options: options)
        XCTAssertEqual(step.step, 6)
        XCTAssertEqual(step.options.totalSteps, 6)
        XCTAssertEqual(step.options.warmupSteps, 2, "the warmup of the first run is kept")
    }

    /// The trainer checks for an interrupt before every micro-batch and before every encoder
    /// layer of the forward and backward passes. Wherever in the second step the interrupt
    /// lands (before a micro-batch, mid-forward, mid-backward), the weights stay exactly those of
    /// the first completed step and the step count stays 1.
    func testAnInterruptAnywhereInAStepLeavesTheWeightsOfTheLastCompletedStep() throws {
        struct Stop: Error {}
        // Tiny model, 2 layers: each micro-batch makes 1 + 2 (forward) + 2 (backward) checks,
        // so 10 checks after the first step cover both micro-batches of the second step.
        for stopAt in 1...10 {
            let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
            let step = try TrainingStep(network: network, options: .init(learningRate: 1, totalSteps: 1))
            var stepsDone = 0, checksSinceFirstStep = 0
            var afterFirstStep: [Float] = []
            XCTAssertThrowsError(try Trainer(step: step, paddingId: 0).run(
                train: examples(), validation: [],
                options: .init(epochs: 1, lr: 1e-3, batch: 2, accumulate: 2),
                onStep: { _ in
                    stepsDone += 1
                    afterFirstStep = network.parameters.array
                },
                checkInterrupt: {
                    guard stepsDone == 1 else { return }
                    checksSinceFirstStep += 1
                    if checksSinceFirstStep == stopAt { throw Stop() }
                })) { XCTAssertTrue($0 is Stop, "stop at check \(stopAt)") }
            XCTAssertEqual(step.step, 1, "stop at check \(stopAt)")
            XCTAssertEqual(network.parameters.array.map(\.bitPattern), afterFirstStep.map(\.bitPattern),
                           "stop at check \(stopAt)")
        }
    }
}
