import XCTest
@testable import Plotting

/// The learning-rate finder's chart (a log x axis, the suggestions as named points) and the
/// search's bars.
final class TuningChartsTests: XCTestCase {
    func testTheFinderChartHasALogAxisWithDecadesAndTheSuggestionsInTheLegend() {
        let rates = (0..<8).map { pow(10, Double($0) - 7) }   // 1e-7 ... 1
        let losses = [0.70, 0.69, 0.66, 0.50, 0.35, 0.40, 0.90, 2.5]
        let figure = Charts.learningRateFinder(rates: rates, losses: losses, smoothed: losses,
                                               marks: [("valley", 1e-4, 0.5), ("steep", 1e-5, 0.66)])
        XCTAssertEqual(figure.panels[0].x.scale, .log)
        let svg = figure.svg()
        // Decade ticks of Ticks.log, one label per decade from 1e-7 to 1.
        for label in ["1e-7", "1e-6", "1e-5", "0.001", "0.1", ">1<"] { XCTAssertTrue(svg.contains(label), label) }
        for name in ["valley", "steep", "smoothed (EMA 0.98)"] { XCTAssertTrue(svg.contains(name), name) }
        XCTAssertEqual(figure.altText, "loss over 8 learning rates from 1e-07 to 1; valley 0.0001, steep 1e-05")
    }

    /// The exploding raw losses of the last steps do not set the scale: it ends 5% above the
    /// smoothed curve's top (2.0 here: 2.0 + 0.05 · (2.0 − 0.3) = 2.085) and starts 5% below the
    /// lowest loss, raw or smoothed (0.3 − 0.085).
    func testTheFinderChartsScaleFollowsTheSmoothedCurveNotTheExplosion() throws {
        let figure = Charts.learningRateFinder(rates: [1e-4, 1e-3, 1e-2, 1e-1], losses: [0.7, 0.3, 0.9, 40],
                                               smoothed: [0.7, 0.5, 0.6, 2.0], marks: [])
        let limits = try XCTUnwrap(figure.panels[0].y.limits)
        XCTAssertEqual(limits.upperBound, 2.085, accuracy: 1e-12)
        XCTAssertEqual(limits.lowerBound, 0.215, accuracy: 1e-12)
    }

    /// A non-finite loss is skipped on a log axis, never drawn at an absurd place.
    func testTheFinderChartSkipsNonFiniteLosses() throws {
        let figure = Charts.learningRateFinder(rates: [1e-3, 1e-2, 1e-1], losses: [0.7, .nan, 0.6],
                                               smoothed: [0.7, .nan, 0.6], marks: [])
        XCTAssertFalse(figure.svg().contains("NaN"))
        XCTAssertFalse(try figure.png(scale: 1).isEmpty)
    }

    func testTheSearchChartNamesTheBestTrialInItsTitle() {
        let figure = Charts.searchTrials([("1", 0.75), ("2", 0.9)], metric: "accuracy", best: 1)
        XCTAssertEqual(figure.title, "search: accuracy per trial (best: 2, 0.9)")
        XCTAssertTrue(figure.svg().contains("0.75"))
    }
}
