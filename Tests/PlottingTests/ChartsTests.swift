import XCTest
@testable import Plotting

final class ChartsTests: XCTestCase {
    /// w = 0.5 on [1, 3]: s1 = 0.5 / (1 - 0.5) = 1; s2 = (0.25 + 1.5) / (1 - 0.25) = 7/3.
    func testEMAIsDebiasedAsTensorBoardDoes() {
        let s = Charts.exponentialMovingAverage([1, 3], smoothing: 0.5)
        XCTAssertEqual(s[0], 1, accuracy: 1e-12)
        XCTAssertEqual(s[1], 7.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(Charts.exponentialMovingAverage([4, 2], smoothing: 0), [4, 2])
    }

    func testEMASkipsNonFiniteValuesWithoutPoisoningTheRest() {
        let s = Charts.exponentialMovingAverage([1, .nan, .infinity, 3], smoothing: 0.5)
        XCTAssertTrue(s[1].isNaN && s[2].isNaN)
        XCTAssertEqual(s[3], 7.0 / 3.0, accuracy: 1e-12)
    }

    func testContrastingTextIsWhiteOnDarkAndInkOnLight() {
        XCTAssertEqual(Palette.viridis(0).contrastingText, .white)
        XCTAssertEqual(Palette.viridis(1).contrastingText, .ink)
        XCTAssertEqual(Palette.blues(0).contrastingText, .ink)
        XCTAssertEqual(Palette.blues(1).contrastingText, .white)
    }

    func testViridisEndsAreTheReferenceColours() {
        XCTAssertEqual(Palette.viridis(0).svg, "#440154")
        XCTAssertEqual(Palette.viridis(1).svg, "#fde725")
        XCTAssertEqual(Palette.viridis(.nan).svg, "#440154")
        XCTAssertEqual(Palette.category(0).svg, "#0072b2")
        XCTAssertEqual(Palette.category(7), Palette.category(0))
    }

    /// Integer lengths 1...4 with width 1: bins centred on the integers.
    func testHistogramBinsCountEveryFiniteValueOnce() {
        let h = Histogram(values: [1, 2, 2, 4, .nan, 4, 4])
        let bins = h.bins
        XCTAssertEqual(bins.map(\.count), [1, 2, 0, 3])
        XCTAssertEqual(bins.first?.lower, 0.5)
        XCTAssertEqual(bins.last?.upper, 4.5)
    }

    func testLengthsMarkerStatesTheTruncatedShare() {
        let svg = Charts.lengths(lengths: [10, 20, 30, 200], maxLength: 128).svg()
        XCTAssertTrue(svg.contains("maxLength 128: 25.0% truncated (1 of 4)"), svg)
    }

    func testConfusionShowsCountsAndAccuracy() {
        let svg = Charts.confusion(labels: ["neg", "pos"], counts: [[8, 2], [1, 9]]).svg()
        XCTAssertTrue(svg.contains("accuracy 85.0%"))
        for count in ["8", "2", "1", "9"] { XCTAssertTrue(svg.contains(">\(count)</text>"), count) }
    }

    func testAltTextNamesTheKeyNumbers() {
        let figure = Charts.loss(steps: [1, 2], losses: [0.5, 0.25], smoothing: 0, validation: [(step: 2, loss: 0.3)])
        XCTAssertEqual(figure.altText, "training loss over 2 steps: last 0.25; validation 0.3 at step 2")
        XCTAssertEqual(figure.summary, figure.altText)
        XCTAssertTrue(figure.svg().contains("<title>training loss over 2 steps: last 0.25; validation 0.3 at step 2</title>"))
        XCTAssertEqual(Charts.lengths(lengths: [3, 1, 2, 9], maxLength: 4).altText,
                       "token lengths of 4 texts: median 3, longest 9; maxLength 4 truncates 1 (25.0%)")
    }
}
