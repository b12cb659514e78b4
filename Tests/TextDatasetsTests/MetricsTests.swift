import XCTest
@testable import TextDatasets

final class MetricsTests: XCTestCase {
    // Hand-computed from the definitions (see each comment), not from the code.

    func testThreeClassMetricsMatchHandComputedValuesWithin1e12() throws {
        // true [0,0,0,1,1,2], predicted [0,1,0,1,2,2]
        // confusion rows = true: [2,1,0] [0,1,1] [0,0,1]; accuracy 4/6.
        // class 0: tp 2, predicted 2, true 3 -> P 1, R 2/3, F1 4/5
        // class 1: tp 1, predicted 2, true 2 -> P 1/2, R 1/2, F1 1/2
        // class 2: tp 1, predicted 2, true 1 -> P 1/2, R 1, F1 2/3
        // macro P 2/3, macro R (2/3 + 1/2 + 1)/3 = 13/18, macro F1 (4/5 + 1/2 + 2/3)/3 = 59/90,
        // weighted F1 (3 x 4/5 + 2 x 1/2 + 1 x 2/3)/6 = 61/90.
        let m = try ClassificationMetrics(trueLabels: [0, 0, 0, 1, 1, 2], predictedLabels: [0, 1, 0, 1, 2, 2],
                                          labelNames: ["a", "b", "c"])
        XCTAssertEqual(m.confusion, [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        XCTAssertEqual(m.support, [3, 2, 1])
        XCTAssertEqual(m.exampleCount, 6)
        XCTAssertEqual(m.accuracy, 4.0 / 6.0, accuracy: 1e-12)
        for (got, want) in zip(m.precision, [1, 0.5, 0.5]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        for (got, want) in zip(m.recall, [2.0 / 3.0, 0.5, 1]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        for (got, want) in zip(m.f1, [0.8, 0.5, 2.0 / 3.0]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        XCTAssertEqual(m.macroPrecision, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m.macroRecall, 13.0 / 18.0, accuracy: 1e-12)
        XCTAssertEqual(m.macroF1, 59.0 / 90.0, accuracy: 1e-12)
        XCTAssertEqual(m.weightedF1, 61.0 / 90.0, accuracy: 1e-12)
    }

    func testNeverPredictedAndAbsentClassesGiveZerosNotNaN() throws {
        // 4 classes, true [0,0,1,1], predicted all 0.
        // class 0: tp 2, predicted 4, true 2 -> P 1/2, R 1, F1 2/3; class 1: never predicted -> 0, 0, 0;
        // classes 2, 3 occur nowhere -> zeros, left out of the macro means (2 classes averaged).
        let m = try ClassificationMetrics(trueLabels: [0, 0, 1, 1], predictedLabels: [0, 0, 0, 0], labelNames: ["a", "b", "c", "d"])
        XCTAssertEqual(m.accuracy, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m.precision, [0.5, 0, 0, 0])
        XCTAssertEqual(m.recall, [1, 0, 0, 0])
        XCTAssertEqual(m.f1[0], 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(Array(m.f1[1...]), [0, 0, 0])
        XCTAssertEqual(m.macroPrecision, 0.25, accuracy: 1e-12)
        XCTAssertEqual(m.macroRecall, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m.macroF1, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertTrue((m.precision + m.recall + m.f1 + [m.macroF1, m.weightedF1]).allSatisfy(\.isFinite))
        assertDatasetError(.argument, ["no examples"]) { try ClassificationMetrics(trueLabels: [], predictedLabels: [], labelNames: ["a"]) }
    }

    func testMostConfidentlyWrongAreSortedByConfidenceOfTheWrongClass() {
        // Example 0: right. 1: wrong at 0.7. 2: wrong at 0.9. 3: wrong at 0.7 (tie -> lower index first).
        // 4: three classes, argmax 2 at 0.6, true 0 with 0.3.
        let worst = ConfidentMistakes.select(
            trueLabels: [1, 0, 1, 1, 0],
            probabilities: [[0.2, 0.8], [0.3, 0.7], [0.9, 0.1], [0.7, 0.3], [0.3, 0.1, 0.6]], count: 3)
        XCTAssertEqual(worst.map(\.index), [2, 1, 3])
        XCTAssertEqual(worst[0], ConfidentMistakes.Mistake(index: 2, trueLabel: 1, predictedLabel: 0, confidence: 0.9, trueLabelProbability: 0.1))
        let all = ConfidentMistakes.select(trueLabels: [1, 0, 1, 1, 0],
                                           probabilities: [[0.2, 0.8], [0.3, 0.7], [0.9, 0.1], [0.7, 0.3], [0.3, 0.1, 0.6]], count: 10)
        XCTAssertEqual(all.map(\.index), [2, 1, 3, 4])
        XCTAssertEqual(all[3].predictedLabel, 2)
        XCTAssertEqual(all[3].trueLabelProbability, 0.3)
        // Ties in probability pick the first class, as torch.argmax does.
        XCTAssertEqual(ConfidentMistakes.select(trueLabels: [1], probabilities: [[Float(0.5), 0.5]], count: 1).map(\.predictedLabel), [0])
    }

    func testRegressionMetricsMatchHandComputedValues() throws {
        // targets [1,2,3], predictions [1,2,4]: errors 0,0,1 -> MSE 1/3, MAE 1/3.
        // deviations t: -1,0,1; p: -4/3,-1/3,5/3 -> cov 3, var_t 2, var_p 14/3 -> r = 3/sqrt(28/3) = sqrt(27/28).
        let m = try RegressionMetrics(targets: [1, 2, 3], predictions: [1, 2, 4])
        XCTAssertEqual(m.meanSquaredError, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m.meanAbsoluteError, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m.pearson, (27.0 / 28.0).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try RegressionMetrics(targets: [1, 1], predictions: [0, 2]).pearson, 0)
    }

    func testSpearmanIsPearsonOfMeanRanksWithin1e12() throws {
        // predictions [10, 20, 20, 5] rank as [2, 3.5, 3.5, 1] (the tie shares ranks 3 and 4);
        // against ranks [1, 2, 3, 4]: deviations -1.5,-0.5,0.5,1.5 and -0.5,1,1,-1.5 -> cov -1.5,
        // var 5 and 4.5 -> rho = -1.5 / sqrt(22.5) = -sqrt(0.1).
        let tied = try RegressionMetrics(targets: [1, 2, 3, 4], predictions: [10, 20, 20, 5])
        XCTAssertEqual(tied.spearman, -(0.1).squareRoot(), accuracy: 1e-12)
        // A monotone but curved relation: rank correlation 1, Pearson below 1.
        let curved = try RegressionMetrics(targets: [1, 2, 3], predictions: [1, 4, 9])
        XCTAssertEqual(curved.spearman, 1, accuracy: 1e-12)
        XCTAssertLessThan(curved.pearson, 0.99)
        XCTAssertEqual(try RegressionMetrics(targets: [1, 2], predictions: [3, 3]).spearman, 0, "constant side: 0, not NaN")
    }

    func testLargestErrorsAreSortedByAbsoluteErrorAndSkipExactPredictions() {
        // errors: +0.5, 0 (exact), -3, -0.5 -> |3| first, then the 0.5 tie in index order.
        let all = LargestErrors.select(targets: [1, 2, 3, 4], predictions: [1.5, 2, 0, 3.5], count: 10)
        XCTAssertEqual(all.map(\.index), [2, 0, 3])
        XCTAssertEqual(all[0], LargestErrors.Error(index: 2, target: 3, prediction: 0))
        XCTAssertEqual(all[0].error, -3)
        XCTAssertEqual(LargestErrors.select(targets: [1, 2, 3, 4], predictions: [1.5, 2, 0, 3.5], count: 2).map(\.index), [2, 0])
    }
}

final class MultiLabelMetricsTests: XCTestCase {
    func testMultiLabelMetricsMatchHandComputedValues() throws {
        // e1 true {0,1} pred {0}; e2 true {2} pred {1,2}; e3 true {} pred {}; e4 true {0} pred {0,2}.
        // class 0: tp 2 fp 0 fn 0 -> 1, 1, 1; class 1: tp 0 fp 1 fn 1 -> 0, 0, 0;
        // class 2: tp 1 fp 1 fn 0 -> 1/2, 1, 2/3. Pooled tp 3 fp 2 fn 1: micro P 3/5, R 3/4,
        // F1 6/9. Macro F1 (1 + 0 + 2/3)/3 = 5/9. Exact matches: e3 only -> 1/4.
        let m = try MultiLabelMetrics(trueLabels: [[0, 1], [2], [], [0]], predictedLabels: [[0], [1, 2], [], [0, 2]],
                                      labelNames: ["a", "b", "c"])
        XCTAssertEqual(m.subsetAccuracy, 0.25, accuracy: 1e-12)
        XCTAssertEqual(m.precision, [1, 0, 0.5])
        XCTAssertEqual(m.recall, [1, 0, 1])
        XCTAssertEqual(m.f1[2], 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m.support, [2, 1, 1])
        XCTAssertEqual(m.microPrecision, 0.6, accuracy: 1e-12)
        XCTAssertEqual(m.microRecall, 0.75, accuracy: 1e-12)
        XCTAssertEqual(m.microF1, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m.macroF1, 5.0 / 9.0, accuracy: 1e-12)
        XCTAssertEqual(MultiLabelMetrics.predictions(probabilities: [[0.9, 0.2, 0.5], [0.1, 0.4, 0.49]]), [[0, 2], []])
        // Macro precision (1 + 0 + 1/2)/3, macro recall (1 + 0 + 1)/3; Hamming loss: 2 false positives
        // and 1 false negative among 4 x 3 decisions.
        XCTAssertEqual(m.macroPrecision, 0.5, accuracy: 1e-12)
        XCTAssertEqual(m.macroRecall, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(m.hammingLoss, 0.25, accuracy: 1e-12)
    }

    func testMultiLabelMistakesRankExamplesByTheirMostConfidentlyWrongDecision() {
        // e0: class 1 at 0.8 but absent -> 0.8. e1, e2: right sets. e3: class 1 at 0.55, absent -> 0.55.
        // e4: classes 0 and 1 both missed at 0.1 and 0.45 -> worst is class 0 with 1 - 0.1 = 0.9.
        let worst = MultiLabelMistakes.select(trueLabels: [[0], [1], [0, 1], [], [0, 1]],
                                              probabilities: [[0.9, 0.8], [0.3, 0.6], [0.7, 0.6], [0.4, 0.55], [0.1, 0.45]],
                                              count: 5)
        XCTAssertEqual(worst.map(\.index), [4, 0, 3])
        XCTAssertEqual(worst[0].worstLabel, 0)
        XCTAssertEqual(worst[0].confidence, 0.9, accuracy: 1e-12)
        XCTAssertEqual(worst[0].predictedLabels, [])
        XCTAssertEqual(worst[1], MultiLabelMistakes.Mistake(index: 0, predictedLabels: [0, 1], worstLabel: 1, confidence: 0.8))
        XCTAssertEqual(MultiLabelMistakes.select(trueLabels: [[0], []], probabilities: [[0.9], [0.2]], count: 5), [])
    }
}
