import XCTest
@testable import Bert

/// fastai's suggestions (`valley`, `steep`, `minimum`) on curves whose answers are worked out by
/// hand beside each test, and the exponential rates of the sweep.
final class LearningRateSuggestionsTests: XCTestCase {
    /// A curve of `losses` (as the smoothed losses) at rates 10^(i/10 − 7), planned for `planned` steps.
    private func curve(_ losses: [Double], planned: Int? = nil) -> LearningRateFinder.Curve {
        LearningRateFinder.Curve(points: losses.enumerated().map { i, loss in
            .init(learningRate: pow(10, Double(i) / 10 - 7), loss: loss, smoothedLoss: loss)
        }, stop: .completed, plannedSteps: planned ?? losses.count)
    }

    /// Fixture: scripts/reference/lr_find_suggestions.py, fastai 2.8.12's own valley, steep and
    /// minimum on seeded finder curves (noise, a spike, some stopped before their planned steps),
    /// after lr_find's [num_it//10:-5]. Same Double operations on the same inputs: equal exactly.
    func testSuggestionsEqualFastaisOnItsOwnCurves() throws {
        let object = try XCTUnwrap(try BertFixtures.json("lr_find_suggestions.json") as? [String: Any])
        let cases = try XCTUnwrap(object["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 5)
        for c in cases {
            let planned = try XCTUnwrap(c["planned"] as? Int)
            let lrs = try XCTUnwrap(c["learning_rates"] as? [Double])
            let losses = try XCTUnwrap(c["smoothed_losses"] as? [Double])
            let curve = LearningRateFinder.Curve(points: zip(lrs, losses).map { .init(learningRate: $0, loss: $1, smoothedLoss: $1) },
                                                 stop: .completed, plannedSteps: planned)
            let s = try XCTUnwrap(LearningRateSuggestions(curve))
            let what = "\(lrs.count) of \(planned) steps"
            XCTAssertEqual(s.range.lowerBound, planned / 10, what)
            XCTAssertEqual(s.valley.learningRate, try XCTUnwrap(c["valley"] as? Double), "valley, \(what)")
            XCTAssertEqual(s.steep.learningRate, try XCTUnwrap(c["steep"] as? Double), "steep, \(what)")
            XCTAssertEqual(s.minimum.markedRate, try XCTUnwrap(c["minimum_at"] as? Double), "minimum, \(what)")
            // The suggestion is that rate / 10, the same IEEE division on both sides; but
            // Foundation's JSON reader does not round every number correctly (3 ulps seen on
            // fastai's written quotient), so within 8 ulps.
            let minimum = try XCTUnwrap(c["minimum"] as? Double)
            XCTAssertEqual(s.minimum.learningRate, minimum, accuracy: 8 * minimum.ulp, "minimum, \(what)")
            XCTAssertEqual(s.minimum.learningRate, s.minimum.markedRate / 10)
        }
    }

    func testRatesRiseGeometricallyFromStartToEndWithinOneUlp() {
        let rates = LearningRateFinder.rates(start: 1e-7, end: 1, steps: 8)
        XCTAssertEqual(rates.count, 8)
        XCTAssertEqual(rates.first, 1e-7)
        // pow rounds: the last rate is end within a few ulps of 1.
        XCTAssertEqual(rates.last!, 1, accuracy: 1e-15 * 4)
        for i in 1..<rates.count { XCTAssertEqual(rates[i] / rates[i - 1], 10, accuracy: 1e-12) }
    }

    func testKeptRangeDropsTheFirstTenthOfThePlannedStepsAndTheLastFive() {
        XCTAssertEqual(LearningRateSuggestions.keptRange(count: 100, plannedSteps: 100), 10..<95)
        XCTAssertEqual(LearningRateSuggestions.keptRange(count: 40, plannedSteps: 100), 10..<35)
        XCTAssertEqual(LearningRateSuggestions.keptRange(count: 14, plannedSteps: 100), 0..<0)
        XCTAssertNil(LearningRateSuggestions(curve([1, 1, 1, 1, 1, 1, 1], planned: 100)))
    }

    /// Planned 10 steps: the first point is dropped (10 / 10 = 1) and the last five, so of the 16
    /// points 1..<11 are kept: losses 5 3.5 3 2 1 1.5 2 2.5 3 3.5 at kept indices 0...9.
    /// valley: the longest decreasing run is 5 3.5 3 2 1 (kept 0...4): lds reaches 5 at kept index
    /// 4, max_start = 4 − 5 = −1 (fastai's off-by-one), sections = 5 / 3, idx = −1 + 1 + 0 = 0 →
    /// point 1. steep: slopes are Δloss / (ln 10 / 10); the smallest, −1.5 / 0.23, is kept 0 →
    /// point 1. minimum: the lowest loss 1 is kept index 4 → point 5, suggestion its rate / 10.
    func testSuggestionsFollowFastaiOnAWorkedCurve() throws {
        let losses: [Double] = [9, 5, 3.5, 3, 2, 1, 1.5, 2, 2.5, 3, 3.5, 20, 30, 40, 50, 60]
        let c = curve(losses, planned: 10)
        let s = try XCTUnwrap(LearningRateSuggestions(c))
        XCTAssertEqual(s.range, 1..<11)
        XCTAssertEqual(s.valley.index, 1)
        XCTAssertEqual(s.steep.index, 1)
        XCTAssertEqual(s.minimum.index, 5)
        XCTAssertEqual(s.minimum.learningRate, c.points[5].learningRate / 10)
        XCTAssertEqual(s.minimum.markedRate, c.points[5].learningRate)
        XCTAssertEqual(s.minimum.markedLoss, 1)
    }

    /// Losses 10 9 1 8 7 6 5 4 3 2 (kept all: planned 5 → first 0 dropped; plus five trailing 50s).
    /// The longest decreasing subsequence is 10 9 8 7 6 5 4 3 2 (length 9, skipping the dip to 1),
    /// ending at index 9: max_start = 9 − 9 = 0, sections = 3, idx = 0 + 3 + 1 = 4.
    /// steep: the drop 9 → 1 (index 1) is the steepest. minimum: the 1 at index 2.
    func testValleyFollowsTheLongestDescentNotTheDeepestDip() throws {
        let losses: [Double] = [10, 9, 1, 8, 7, 6, 5, 4, 3, 2, 50, 50, 50, 50, 50]
        let s = try XCTUnwrap(LearningRateSuggestions(curve(losses, planned: 5)))
        XCTAssertEqual(s.range, 0..<10)
        XCTAssertEqual(s.valley.index, 4)
        XCTAssertEqual(s.steep.index, 1)
        XCTAssertEqual(s.minimum.index, 2)
    }

    /// fastai's quirk kept: once max_end is i, max_start keeps the length i had then. Losses
    /// 3 4 2 1 (n = 4): at i = 2, j = 0 makes lds[2] = 2 > lds[0] → max_end 2, max_start 0; j = 1
    /// gives nothing longer. At i = 3: j = 0 makes lds[3] = 2, not > 2; j = 1 (4 > 1) keeps 2; j = 2
    /// makes lds[3] = 3 > 2 → max_end 3, max_start 0. sections = 1, idx = 0 + 1 + 0 = 1.
    func testValleyIndexOnASmallCurveAsFastaiComputesIt() {
        XCTAssertEqual(LearningRateSuggestions.valleyIndex([3, 4, 2, 1]), 1)
        XCTAssertEqual(LearningRateSuggestions.valleyIndex([1]), 0)
    }
}
