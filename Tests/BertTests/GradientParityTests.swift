import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// Every parameter gradient against PyTorch's autograd on the tiny models (dropout off).
/// Tolerance per tensor: |ours - torch| <= 1e-4 · max(‖torch‖∞, 1e-3). The floor matters only for
/// tensors whose true gradient is zero: the attention key bias adds the same q·b to every score of
/// a row, which the softmax cancels, so both sides hold float noise (~1e-9) there.
final class GradientParityTests: XCTestCase {
    private func assertGradients(_ network: BertNetwork, _ expected: SafetensorsFile, file: StaticString = #filePath,
                                 line: UInt = #line) throws {
        var compared = 0
        for entry in network.layout.entries {
            let name = entry.name
            let reference = try expected.floats(name)
            Closeness.assertRelativeToMax(Array(network.gradient(name)!), reference, tolerance: 1e-4, floor: 1e-3, name,
                                          file: file, line: line)
            compared += 1
        }
        // Every gradient PyTorch produced has a counterpart (the fixture also holds "loss").
        XCTAssertEqual(compared + 1, expected.tensorInfos.count, file: file, line: line)
    }

    func testClassificationGradientsMatchPyTorchWithin1e4OfMaxOfTensorMaxAnd1e3() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, object) = try BertFixtures.tinyInputs()
        let expected = try BertFixtures.tensors("tiny_grads_cls.safetensors")
        network.zeroGradients()
        let report = try network.forwardBackward(batch, labels: .classes(BertFixtures.ints(object["class_labels"])))
        XCTAssertEqual(report.loss, try expected.floats("loss")[0], accuracy: 1e-5)
        try assertGradients(network, expected)
    }

    func testPreTrainingGradientsMatchPyTorchWithin1e4OfMaxOfTensorMaxAnd1e3() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tiny)
        let (batch, object) = try BertFixtures.tinyInputs()
        let expected = try BertFixtures.tensors("tiny_grads_pretrain.safetensors")
        network.zeroGradients()
        let labels = BertLabels.preTraining(maskedLM: BertFixtures.ints(object["mlm_labels"]),
                                            nextSentence: BertFixtures.ints(object["nsp_labels"]))
        let report = try network.forwardBackward(batch, labels: labels)
        XCTAssertEqual(report.loss, try expected.floats("loss")[0], accuracy: 1e-5)
        try assertGradients(network, expected)
    }

    func testGradientsMatchPyTorchAlsoWhenEveryKernelIsSplitOverTheCores() throws {
        // The tiny shapes stay below the threading threshold; force the parallel paths.
        let saved = Parallel.minimumWork
        Parallel.minimumWork = 0
        defer { Parallel.minimumWork = saved }
        try testClassificationGradientsMatchPyTorchWithin1e4OfMaxOfTensorMaxAnd1e3()
        try testPreTrainingGradientsMatchPyTorchWithin1e4OfMaxOfTensorMaxAnd1e3()
    }

    func testGradientsAccumulateAndScaleWithin1e6() throws {
        // Two half-scaled passes add up to one full pass: gradient accumulation's contract.
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, object) = try BertFixtures.tinyInputs()
        let labels = BertLabels.classes(BertFixtures.ints(object["class_labels"]))
        network.zeroGradients()
        try network.forwardBackward(batch, labels: labels)
        let once = network.gradients.array
        network.zeroGradients()
        try network.forwardBackward(batch, labels: labels, scale: 0.5)
        try network.forwardBackward(batch, labels: labels, scale: 0.5)
        Closeness.assertRelativeToMax(network.gradients.array, once, tolerance: 1e-6, "accumulated gradients")
    }
}
