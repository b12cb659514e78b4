import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// The loss kernels on fixed logits against torch.nn.functional (losses.json): loss within 1e-6
/// relative, d loss / d logits within 1e-6 of the largest entry.
final class LossParityTests: XCTestCase {
    func testEveryLossAndItsGradientMatchTorchWithin1e6() throws {
        let cases = try BertFixtures.json("losses.json") as! [[String: Any]]
        XCTAssertEqual(cases.count, 6)
        for c in cases {
            let name = c["name"] as! String
            let shape = c["shape"] as! [Int]
            let logits = BertFixtures.floats(c["logits"])
            let options = c["options"] as! [String: Any]
            let expectedLoss = (c["loss"] as! NSNumber).floatValue
            let expectedGradient = BertFixtures.floats(c["dlogits"])
            var gradient = [Float](repeating: 0, count: logits.count)
            let rows = shape[0], columns = logits.count / shape[0]
            let loss: Float = logits.withMatrixView(rows: rows, columns: columns) { logits in
                gradient.withMutableMatrixView(rows: rows, columns: columns) { gradient in
                    switch name {
                    case "bce_with_logits":
                        return BinaryCrossEntropy.compute(dlogits: gradient, logits: logits,
                                                          targets: BertFixtures.floats(c["labels"]))
                    case "mse":
                        return MeanSquaredError.compute(dpredictions: gradient, predictions: logits,
                                                        targets: BertFixtures.floats(c["labels"]))
                    default:
                        let weights = options["class_weights"].map { BertFixtures.floats($0) }
                        let smoothing = (options["label_smoothing"] as? NSNumber)?.floatValue ?? 0
                        return CrossEntropy.compute(dlogits: gradient, logits: logits, labels: BertFixtures.ints(c["labels"]),
                                                    classWeights: weights, labelSmoothing: smoothing)
                    }
                }
            }
            XCTAssertEqual(loss, expectedLoss, accuracy: 1e-6 * max(1, abs(expectedLoss)), name)
            Closeness.assertRelativeToMax(gradient, expectedGradient, tolerance: 1e-6, floor: 1e-3, name)
        }
    }

    func testBalancedClassWeightsFollowScikitLearn() {
        // n / (k · count): 6 samples, 3 classes, counts 3, 2, 1.
        XCTAssertEqual(LossOptions.balancedWeights(labels: [0, 0, 0, 1, 1, 2], classes: 3), [2.0 / 3, 1, 2])
    }

    func testLabelsThatDoNotFitTheModelAreClearErrors() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let (batch, _) = try BertFixtures.tinyInputs()
        func message(_ labels: BertLabels, _ options: LossOptions = LossOptions()) -> String {
            do { try network.forwardBackward(batch, labels: labels, options: options); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(.classes([0, 3, 1])).contains("label 3 is outside 0..<3"))
        XCTAssertTrue(message(.classes([0, 1])).contains("2 labels for 3"))
        XCTAssertTrue(message(.regression([1, 2, 3])).contains("one label"))
        XCTAssertTrue(message(.maskedLM([Int32](repeating: -100, count: 36))).contains("no [maskedLM] head"))
        XCTAssertTrue(message(.classes([0, 1, 2]), LossOptions(classWeights: [1, 2])).contains("class weights"))
        XCTAssertTrue(message(.classes([0, 1, 2]), LossOptions(labelSmoothing: 1)).contains("label smoothing"))
        XCTAssertThrowsError(try network.infer(try BertBatch(inputIds: [[2, 500, 3]]))) { error in
            XCTAssertTrue("\(error)".contains("token id 500"), "\(error)")
        }
        XCTAssertThrowsError(try network.infer(try BertBatch(inputIds: [[Int](repeating: 2, count: 65)]))) { error in
            XCTAssertTrue("\(error)".contains("max_position_embeddings"), "\(error)")
        }
    }
}
