import Foundation
import Numerics
import XCTest
@testable import Bert

/// Issue 18 parts 3 and 4: layer-wise learning rates and frozen layers, against ten PyTorch
/// AdamW steps with the same parameter groups (scripts/reference/schedule_fixtures.py), and the
/// frozen part's weights, gradients, moments and skipped backward passes.
final class LayerDecayAndFreezeTests: XCTestCase {
    private func fixture() throws -> (settings: [String: Any], json: [String: Any], batches: [(BertBatch, BertLabels)]) {
        let json = try BertFixtures.json("tiny_layer_decay.json") as! [String: Any]
        let adamw = try BertFixtures.json("tiny_adamw.json") as! [String: Any]
        let batches = try (adamw["batches"] as! [[String: Any]]).map { object in
            (try BertFixtures.batch(object), BertLabels.classes(BertFixtures.ints(object["labels"])))
        }
        return (json["settings"] as! [String: Any], json, batches)
    }

    /// Ten steps of `TrainingStep` as the fixture's loop (two micro-batches each, batches cycled).
    private func tenSteps(schedule: ScheduleKind, layerDecay: Double = 1, trained: ParameterGradients = .all)
        throws -> (network: BertNetwork, step: TrainingStep, results: [TrainingStep.Result]) {
        let (settings, _, batches) = try fixture()
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        var options = TrainingStep.Options(
            learningRate: (settings["lr"] as! NSNumber).floatValue,
            warmupSteps: settings["warmup_steps"] as! Int, totalSteps: settings["total_steps"] as! Int,
            weightDecay: (settings["weight_decay"] as! NSNumber).floatValue,
            maxGradNorm: (settings["max_grad_norm"] as! NSNumber).floatValue, dropoutSeed: nil)
        options.schedule = schedule
        options.layerDecay = layerDecay
        options.trained = trained
        let step = try TrainingStep(network: network, options: options)
        let accumulate = settings["accumulate"] as! Int
        var micro = 0, results: [TrainingStep.Result] = []
        for _ in 0..<(settings["total_steps"] as! Int) {
            let group = (0..<accumulate).map { _ -> (BertBatch, BertLabels) in
                defer { micro += 1 }
                return batches[micro % batches.count]
            }
            results.append(try step.run(group))
        }
        return (network, step, results)
    }

    /// Every final weight (but the key biases) within 1e-3 of PyTorch's (the fixture checks that decay 0.9 and none
    /// differ by more than 1e-2 in the embeddings, so a wrong rate fails); losses and norms too.
    private func assertMatchesPyTorch(_ network: BertNetwork, _ results: [TrainingStep.Result], case name: String,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let (_, json, _) = try fixture()
        let log = json[name] as! [String: Any]
        let losses = BertFixtures.floats(log["micro_losses"]), norms = BertFixtures.floats(log["grad_norms"])
        // 1e-3: ten Float32 steps of forward, backward and AdamW against torch's, as TrainingParityTests.
        for (ours, theirs) in zip(results.flatMap(\.microLosses), losses) {
            XCTAssertEqual(ours, theirs, accuracy: 1e-3, "\(name) loss", file: file, line: line)
        }
        for (ours, theirs) in zip(results.map(\.gradientNorm), norms) {
            XCTAssertEqual(ours, theirs, accuracy: 1e-3, "\(name) gradient norm", file: file, line: line)
        }
        let tensors = try BertFixtures.tensors("tiny_layer_decay.safetensors")
        for entry in network.layout.entries {
            // The key bias is left out: its gradient is zero in exact arithmetic (it adds q·b to
            // every key's score of a query, and the softmax does not see a common shift), so the
            // Float rounding noise both sides get there is what Adam's g/√v scales up to ±lr.
            if entry.name.hasSuffix("attention.self.key.bias") { continue }
            let expected = try tensors.floats("\(name)/\(entry.name)")
            let ours = Array(network.parameter(entry.name)!)
            XCTAssertEqual(ours.count, expected.count, entry.name, file: file, line: line)
            let worst = zip(ours, expected).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-3, "\(name): \(entry.name)", file: file, line: line)
        }
    }

    func testLayerDecayGroupsGiveLayerLOfNTheRateLrTimesDToTheNMinusL() {
        let (network, _) = try! BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let groups = ParameterGroups(layout: network.layout, layers: 2, layerDecay: 0.9)
        XCTAssertEqual(groups.trainedOffset, 0)
        for (entry, group) in zip(network.layout.entries, groups.entries) {
            let expected: Double
            switch ParameterGroups.place(of: entry.name) {
            case .embeddings: expected = pow(0.9, 3)
            case .layer(let l): expected = pow(0.9, Double(2 - l))
            case .head: expected = 1
            }
            XCTAssertEqual(group.scale, expected, entry.name)
            XCTAssertEqual(group.decays, entry.decays, entry.name)
        }
        XCTAssertEqual(ParameterGroups.place(of: "bert.encoder.layer.11.output.dense.weight"), .layer(11))
        XCTAssertEqual(ParameterGroups.place(of: "bert.pooler.dense.weight"), .head)
    }

    func testTenStepsWithLayerDecay09AndACosineScheduleMatchPyTorchWeightsWithin1e3() throws {
        let (network, _, results) = try tenSteps(schedule: .cosine, layerDecay: 0.9)
        try assertMatchesPyTorch(network, results, case: "layer_decay")
    }

    func testTenStepsWithEmbeddingsAndLayer0FrozenMatchPyTorchAndLeaveThemIdenticalBitForBit() throws {
        let (initial, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (network, step, results) = try tenSteps(schedule: .linear, trained: .fromLayer(1))
        try assertMatchesPyTorch(network, results, case: "freeze_1")
        let firstTrained = network.layout["bert.encoder.layer.1.attention.self.query.weight"]!.offset
        let before = initial.parameters.array, after = network.parameters.array
        XCTAssertEqual(after[..<firstTrained].map(\.bitPattern), before[..<firstTrained].map(\.bitPattern),
                       "a frozen weight changed")
        XCTAssertNotEqual(after[firstTrained...].map(\.bitPattern), before[firstTrained...].map(\.bitPattern))
        // No moments for frozen parameters: the buffers cover the trained suffix only.
        XCTAssertEqual(step.optimizer.m.count, network.parameters.count - firstTrained)
        XCTAssertEqual(step.optimizer.v.count, network.parameters.count - firstTrained)
        // No gradient was written for them.
        XCTAssertTrue(network.gradients.array[..<firstTrained].allSatisfy { $0 == 0 })
    }

    func testFrozenLayersBackwardIsSkippedCountingLayerCalls() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, _) = try BertFixtures.tinyInputs()
        let labels = BertLabels.classes([0, 1, 2])
        network.passCounts = .init()
        try network.forwardBackward(batch, labels: labels)
        XCTAssertEqual(network.passCounts, .init(layerForward: 2, layerBackward: 2, embeddingsBackward: 1))
        network.passCounts = .init()
        try network.forwardBackward(batch, labels: labels, parameterGradients: .fromLayer(1))
        XCTAssertEqual(network.passCounts, .init(layerForward: 2, layerBackward: 1, embeddingsBackward: 0))
        network.passCounts = .init()
        try network.forwardBackward(batch, labels: labels, parameterGradients: .fromLayer(2))
        XCTAssertEqual(network.passCounts, .init(layerForward: 2, layerBackward: 0, embeddingsBackward: 0))
    }

    func testFreezingGivesTheTrainedLayersTheSameGradientsAsTheFullBackwardBitForBit() throws {
        // The backward above layer k does not depend on whether it continues below: the trained
        // gradients of .fromLayer(1) are the full pass's, and the frozen ones stay untouched.
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, _) = try BertFixtures.tinyInputs()
        let labels = BertLabels.classes([0, 1, 2])
        network.zeroGradients()
        try network.forwardBackward(batch, labels: labels)
        let full = network.gradients.array
        network.gradients.pointer.update(repeating: 7, count: network.gradients.count)
        let offset = network.layout["bert.encoder.layer.1.attention.self.query.weight"]!.offset
        network.zeroGradients(offset..<network.gradients.count)
        try network.forwardBackward(batch, labels: labels, parameterGradients: .fromLayer(1))
        let partial = network.gradients.array
        XCTAssertEqual(partial[offset...].map(\.bitPattern), full[offset...].map(\.bitPattern))
        XCTAssertTrue(partial[..<offset].allSatisfy { $0 == 7 }, "a frozen gradient was written")
    }

    func testHeadsOnCachedEncoderFeaturesTrainAsTheFrozenFullPassWithin1e5() throws {
        // Without dropout, the cached path (encoder once, heads per step) and the full pass with
        // the whole encoder frozen compute the same thing; 1e-5: the cache's batch is padded
        // differently from the step's, which changes GEMM shapes and so rounding (never bits of
        // the math), and ten AdamW steps carry it.
        let (settings, _, batches) = try fixture()
        var options = TrainingStep.Options(learningRate: (settings["lr"] as! NSNumber).floatValue, warmupSteps: 3,
                                           totalSteps: 10, weightDecay: 0.05, maxGradNorm: 1, dropoutSeed: nil)
        options.trained = .fromLayer(2)
        let (full, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (cached, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let fullStep = try TrainingStep(network: full, options: options)
        let cachedStep = try TrainingStep(network: cached, options: options)
        let features = try batches.map { try cached.encoderFeatures($0.0) }
        cached.passCounts = .init()
        for k in 0..<10 {
            let a = try fullStep.run([batches[k % batches.count]])
            let b = try cachedStep.run(features: [(features[k % batches.count], batches[k % batches.count].1)])
            XCTAssertEqual(a.loss, b.loss, accuracy: 1e-5, "step \(k)")
            XCTAssertEqual(a.gradientNorm, b.gradientNorm, accuracy: 1e-5, "step \(k)")
        }
        XCTAssertEqual(cached.passCounts, .init(), "the cached path ran an encoder layer")
        for (x, y) in zip(full.parameters.array, cached.parameters.array) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        let offset = full.layout["bert.pooler.dense.weight"]!.offset
        XCTAssertEqual(cachedStep.optimizer.m.count, cached.parameters.count - offset)
    }

    func testTrainerWithTheEncoderFrozenRunsTheEncoderOncePerExampleAndKeepsItBitForBit() throws {
        var generator = SeededGenerator(seed: 3)
        let examples = (0..<40).map { i in
            let length = 3 + generator.nextInt(below: 9)
            let ids = [2] + (0..<(length - 2)).map { _ in Int32(5 + generator.nextInt(below: 110)) } + [3]
            return EncodedExample(ids: ids, typeIds: Array(repeating: 0, count: length), label: i % 3)
        }
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let before = network.parameters.array
        let step = try TrainingStep(network: network, options: .init(learningRate: 1, totalSteps: 1))
        network.passCounts = .init()
        let outcome = try Trainer(step: step, paddingId: 0).run(
            train: examples, validation: [], options: TrainOptions(epochs: 3, lr: 1e-2, batch: 8, freeze: .encoder))
        XCTAssertEqual(outcome.steps, 15)
        // 40 examples in cache batches of 32: two batches of 2 layers, once for all three epochs.
        XCTAssertEqual(network.passCounts, .init(layerForward: 4, layerBackward: 0, embeddingsBackward: 0))
        let heads = network.layout["bert.pooler.dense.weight"]!.offset
        let after = network.parameters.array
        XCTAssertEqual(after[..<heads].map(\.bitPattern), before[..<heads].map(\.bitPattern))
        XCTAssertNotEqual(after[heads...].map(\.bitPattern), before[heads...].map(\.bitPattern))
    }

    func testAFreezeBeyondTheLayersAndALayerDecayOutsideZeroToOneAreArgumentErrors() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        XCTAssertThrowsError(try TrainingStep(network: network, options: {
            var o = TrainingStep.Options(learningRate: 1e-3, totalSteps: 1)
            o.trained = .fromLayer(3)
            return o
        }())) { XCTAssertEqual(($0 as? BertError)?.kind, .argument) }
        for decay in [0, -0.5, 1.5, .nan] {
            XCTAssertThrowsError(try TrainOptions(layerDecay: decay).validate(), "\(decay)")
        }
        XCTAssertNoThrow(try TrainOptions(layerDecay: 1).validate())
    }
}
