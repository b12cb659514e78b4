import Foundation
import XCTest
@testable import Bert

/// Aggregating the windows of long texts: the three rules on a hand-built case, and evaluation
/// per text from its windows' logits.
final class TextWindowsTests: XCTestCase {
    /// Three texts with 1, 3 and 2 windows; two labels. Worked by hand:
    /// - mean: text 1 = ((1 + 3 + 8) / 3, (-2 + 0 + 5) / 3) = (4, 1); text 2 = ((-1 + 2) / 2, (6 + 1) / 2)
    /// - max: text 1 = (8, 5); text 2 = (2, 6)
    /// - first: the first window of each text
    func testMeanMaxAndFirstCombineEachTextsWindowsLabelByLabel() {
        let logits: [[Float]] = [[0.5, -0.5], [1, -2], [3, 0], [8, 5], [-1, 6], [2, 1]]
        let counts = [1, 3, 2]
        XCTAssertEqual(WindowGroups(windowCounts: counts, aggregate: .mean).aggregate(logits), [[0.5, -0.5], [4, 1], [0.5, 3.5]])
        XCTAssertEqual(WindowGroups(windowCounts: counts, aggregate: .max).aggregate(logits), [[0.5, -0.5], [8, 5], [2, 6]])
        XCTAssertEqual(WindowGroups(windowCounts: counts, aggregate: .first).aggregate(logits), [[0.5, -0.5], [1, -2], [-1, 6]])
        let groups = WindowGroups(windowCounts: counts, aggregate: .mean)
        XCTAssertEqual(groups.starts, [0, 1, 4, 6])
        XCTAssertEqual(groups.firstWindows, [0, 1, 4])
        XCTAssertEqual(groups.windows(of: 1), 1..<4)
        XCTAssertEqual(groups.textCount, 3)
        XCTAssertEqual(groups.windowCount, 6)
    }

    /// The mean is summed in Double in window order: the same bits whatever the batching, and
    /// exact where Float summation would round (1e8 + 1 - 1e8).
    func testTheMeanIsSummedInDouble() {
        let groups = WindowGroups(windowCounts: [3], aggregate: .mean)
        XCTAssertEqual(groups.aggregate([[1e8], [1], [-1e8]]), [[Float(1.0 / 3.0)]])
    }

    /// Evaluation with groups reports per text: its logits are the aggregated window logits,
    /// bit for bit, and its targets and accuracy those of the texts.
    func testEvaluationWithGroupsIsPerTextFromTheAggregatedWindowLogits() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let windows = [
            EncodedExample(ids: [2, 7, 8, 3], typeIds: [0, 0, 0, 0], label: 1),
            EncodedExample(ids: [2, 9, 10, 11, 3], typeIds: [0, 0, 0, 0, 0], label: 0),
            EncodedExample(ids: [2, 12, 3], typeIds: [0, 0, 0], label: 0),
            EncodedExample(ids: [2, 13, 14, 3], typeIds: [0, 0, 0, 0], label: 0),
        ]
        let evaluation = Evaluation(network: network, paddingId: 0)
        let perWindow = try evaluation.run(windows, batchSize: 4)
        for aggregate in WindowAggregation.allCases {
            let groups = WindowGroups(windowCounts: [1, 3], aggregate: aggregate)
            let perText = try evaluation.run(windows, batchSize: 4, groups: groups)
            XCTAssertEqual(perText.logits, groups.aggregate(perWindow.logits), "\(aggregate)")
            XCTAssertEqual(perText.labels, [1, 0])
            XCTAssertEqual(perText.predictions, perText.logits.map(Predictor.argmax))
            let correct = zip(perText.predictions, [1, 0]).filter { $0 == $1 }.count
            XCTAssertEqual(perText.accuracy, Double(correct) / 2)
        }
    }
}
