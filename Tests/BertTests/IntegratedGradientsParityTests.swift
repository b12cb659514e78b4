import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// Integrated gradients against a PyTorch computation of captum's definition
/// (scripts/reference/explain_fixtures.py, float64): per-token attributions within 1e-3 of the
/// largest one. The reference is exact to float64; ours runs the network in float32, whose
/// rounding (about 1e-6 relative per value) accumulates over six layers and 50 steps to well under
/// 1e-4 of the largest attribution, on every OpenBLAS core (the kernels only reorder sums).
final class IntegratedGradientsParityTests: XCTestCase {
    private func cases() throws -> (cases: [[String: Any]], object: [String: Any]) {
        let object = try BertFixtures.json("explain.json") as! [String: Any]
        return (object["ig"] as! [[String: Any]], object)
    }

    private func check(_ network: BertNetwork, _ c: [String: Any], _ what: String) throws {
        let ig = IntegratedGradients(network: network)
        let result = try ig.attribute(ids: BertFixtures.ints(c["input_ids"]), typeIds: BertFixtures.ints(c["token_type_ids"]),
                                      baselineIds: BertFixtures.ints(c["baseline_ids"]), target: c["target"] as! Int,
                                      steps: c["steps"] as! Int)
        let expected = BertFixtures.floats(c["attributions"])
        Closeness.assertRelativeToMax(result.tokenAttributions.map(Float.init), expected, tolerance: 1e-3, what)
        XCTAssertEqual(result.inputValue, c["f_input"] as! Double, accuracy: 1e-4, "\(what): f(input)")
        XCTAssertEqual(result.baselineValue, c["f_baseline"] as! Double, accuracy: 1e-4, "\(what): f(baseline)")
    }

    func testTinyClassifierAttributionsMatchTheTorchDefinitionWithin1e3Relative() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let tiny = try cases().cases.filter { $0["model"] as? String == "tiny-cls" }
        XCTAssertEqual(tiny.count, 2)
        for (i, c) in tiny.enumerated() { try check(network, c, "tiny case \(i)") }
    }

    func testSmallBatchesGiveTheSameAttributionsAsOneBatchWithin1e5Relative() throws {
        // The steps split into batches of one row each must sum to what one batch gives.
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let c = try cases().cases[0]
        var ig = IntegratedGradients(network: network)
        let args = (BertFixtures.ints(c["input_ids"]), BertFixtures.ints(c["token_type_ids"]), BertFixtures.ints(c["baseline_ids"]))
        let one = try ig.attribute(ids: args.0, typeIds: args.1, baselineIds: args.2, target: 2, steps: 50)
        ig.tokenBudget = 1
        let many = try ig.attribute(ids: args.0, typeIds: args.1, baselineIds: args.2, target: 2, steps: 50)
        Closeness.assertRelativeToMax(many.tokenAttributions.map(Float.init), one.tokenAttributions.map(Float.init),
                                      tolerance: 1e-5, "row batches")
    }

    func testMiniLMAttributionsMatchTheTorchDefinitionWithin1e3Relative() throws {
        let directory = try FixturePaths.requireMiniLM()
        let (network, _) = try BertCheckpoint.load(from: directory, heads: .sequenceClassification, labels: ["LABEL_0", "LABEL_1"])
        let (all, object) = try cases()
        let head = object["minilm_classifier"] as! [String: Any]
        let weight = BertFixtures.floats(head["weight"]), bias = BertFixtures.floats(head["bias"])
        network.mutableParameter("classifier.weight")!.copy(from: weight)
        network.mutableParameter("classifier.bias")!.copy(from: bias)
        let mini = all.filter { $0["model"] as? String == "minilm" }
        XCTAssertEqual(mini.count, 2)
        for (i, c) in mini.enumerated() { try check(network, c, "MiniLM case \(i)") }
    }

    func testCaptumTrapezoidWeightsSumToOneMinusOneOverN() {
        XCTAssertEqual(IntegratedGradients.stepSizes(50).reduce(0, +), 1 - 1.0 / 50, accuracy: 1e-12)
        XCTAssertEqual(IntegratedGradients.alphas(5), [0, 0.25, 0.5, 0.75, 1])
    }

    func testAModelWithoutAClassifierAndOneStepAreRefused() throws {
        let (pretraining, _) = try BertCheckpoint.load(from: BertFixtures.tiny)
        XCTAssertThrowsError(try IntegratedGradients(network: pretraining).attribute(
            ids: [2, 7, 3], typeIds: [0, 0, 0], baselineIds: [2, 0, 3], target: 0, steps: 10))
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        XCTAssertThrowsError(try IntegratedGradients(network: network).attribute(
            ids: [2, 7, 3], typeIds: [0, 0, 0], baselineIds: [2, 0, 3], target: 0, steps: 1))
        XCTAssertThrowsError(try IntegratedGradients(network: network).attribute(
            ids: [2, 7, 3], typeIds: [0, 0, 0], baselineIds: [2, 0, 3], target: 3, steps: 10))
    }
}
