import Foundation
import XCTest
@testable import Plotting

/// Bad data draws something sensible instead of failing: NaN/inf skipped, empty or all-NaN
/// data gives an empty chart with a "no data" note, one point still shows, constants get a range.
final class DegenerateInputTests: XCTestCase {
    /// Renders both outputs (PNG decoded) and returns the SVG.
    func render(_ figure: Figure, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let svg = figure.svg()
        XCTAssertFalse(svg.lowercased().contains("nan") || svg.contains("inf"), "non-finite number in SVG", file: file, line: line)
        let image = try PNGDecoder.decode(try figure.png(scale: 1))
        XCTAssertEqual(image.width, Int(figure.width.rounded()), file: file, line: line)
        return svg
    }

    func testEmptyAndAllNaNSeriesSayNoData() throws {
        let figures = [
            Charts.loss(steps: [], losses: []),
            Charts.loss(steps: [1, 2, 3], losses: [.nan, .nan, .infinity]),
            Charts.accuracy(epochs: [], train: [], validation: []),
            Charts.learningRate(steps: [1], lrs: [.nan]),
            Charts.lengths(lengths: [], maxLength: 128),
            Charts.labels(splits: []),
            Charts.confusion(labels: [], counts: []),
            Charts.confusion(labels: ["a", "b"], counts: [[0, 0], [0, 0]]),
            Charts.attention(tokens: [], weights: []),
            Charts.attentionGrid(tokens: [], heads: []),
            Charts.losses(steps: [], series: []),
        ]
        for figure in figures {
            XCTAssertTrue(try render(figure).contains(">no data</text>"), figure.summary)
        }
    }

    func testASinglePointStillDraws() throws {
        let svg = try render(Charts.loss(steps: [5], losses: [0.7], smoothing: 0))
        XCTAssertTrue(svg.contains("<circle"), "a lone point is drawn as a dot")
        XCTAssertFalse(svg.contains(">no data</text>"))
    }

    func testConstantSeriesGetsLabelledTicksAroundTheValue() throws {
        let svg = try render(Charts.loss(steps: [1, 2, 3], losses: [0.5, 0.5, 0.5], smoothing: 0))
        XCTAssertTrue(svg.contains(">0.5</text>") || svg.contains(">0.50</text>"), svg)
        XCTAssertTrue(svg.contains("<polyline"), "the constant line is drawn")
    }

    func testNaNInTheMiddleBreaksTheLineButKeepsTheRest() throws {
        let figure = Charts.loss(steps: [1, 2, 3, 4, 5], losses: [1, 0.8, .nan, 0.6, 0.5], smoothing: 0)
        let svg = try render(figure)
        XCTAssertEqual(svg.components(separatedBy: "<polyline points=").count - 1 >= 2, true)
        XCTAssertFalse(svg.contains(">no data</text>"))
    }

    func testMismatchedLengthsAndNegativeCountsDoNotCrash() throws {
        _ = try render(Charts.accuracy(epochs: [1, 2, 3], train: [0.5], validation: [0.4, 0.5, 0.6, 0.7]))
        _ = try render(Charts.confusion(labels: ["a", "b", "c"], counts: [[1], [2, 3, 4, 5]]))
        _ = try render(Charts.attention(tokens: ["a", "b"], weights: [[0.5, 0.5, 0.9], []]))
        _ = try render(Charts.labels(splits: [("train", ["x": 0, "y": 0])]))
        _ = try render(Charts.attentionGrid(tokens: ["a"], heads: [[[.nan]], [[1]]]))
    }

    func testLogAxisSkipsNonPositiveValues() throws {
        var axes = Axes(x: Axis(), y: Axis(scale: .log))
        axes.series = [.line(LineSeries(x: [1, 2, 3, 4], y: [0, -1, 10, 100]))]
        let svg = try render(Figure(panels: [axes]))
        XCTAssertTrue(svg.contains(">100</text>"))
    }

    func testHugeAndTinyValuesKeepFiniteLayout() throws {
        _ = try render(Charts.learningRate(steps: [0, 1], lrs: [1e-300, 1e300]))
        _ = try render(Charts.loss(steps: [0, 1, 2], losses: [-.greatestFiniteMagnitude, 0, .greatestFiniteMagnitude], smoothing: 0))
        _ = try render(Charts.lengths(lengths: [Int.max / 2, 0], maxLength: 512))
    }
}
