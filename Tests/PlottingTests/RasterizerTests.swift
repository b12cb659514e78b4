import Foundation
import XCTest
@testable import Plotting

final class RasterizerTests: XCTestCase {
    let bounds = Rect(x: 0, y: 0, width: 20, height: 20)

    /// A pixel-aligned square covers its pixels fully and nothing else.
    func testAlignedSquareCoversExactlyItsPixels() {
        var canvas = Canvas(width: 20, height: 20, background: .white)
        let square = [Point(5, 5), Point(10, 5), Point(10, 10), Point(5, 10)]
        Rasterizer.paint([square], .black, clip: bounds, into: &canvas)
        for y in 0..<20 {
            for x in 0..<20 {
                let inside = (5..<10).contains(x) && (5..<10).contains(y)
                XCTAssertEqual(canvas.pixel(x: x, y: y).r, inside ? 0 : 255, "pixel (\(x), \(y))")
            }
        }
    }

    /// An edge through the middle of a pixel column covers it by half: black over white gives 128 (+-1).
    func testHalfCoveredPixelsBlendByHalf() {
        var canvas = Canvas(width: 20, height: 20, background: .white)
        let rect = [Point(5, 5), Point(9.5, 5), Point(9.5, 10), Point(5, 10)]
        Rasterizer.paint([rect], .black, clip: bounds, into: &canvas)
        XCTAssertEqual(Double(canvas.pixel(x: 9, y: 7).r), 127.5, accuracy: 1)
        XCTAssertEqual(canvas.pixel(x: 8, y: 7).r, 0)
        XCTAssertEqual(canvas.pixel(x: 10, y: 7).r, 255)
    }

    /// Total coverage of a circle (radius 6) is its area within 1%, and orientation does not matter.
    func testCircleCoverageSumsToItsArea() {
        for reversed in [false, true] {
            var canvas = Canvas(width: 20, height: 20, background: .white)
            var ring = PathGeometry.circle(Point(10, 10), radius: 6)
            if reversed { ring.reverse() }
            Rasterizer.paint([ring], .black, clip: bounds, into: &canvas)
            let covered = (0..<20).flatMap { y in (0..<20).map { x in Double(255 - Int(canvas.pixel(x: x, y: y).r)) / 255 } }
                .reduce(0, +)
            XCTAssertEqual(covered, Double.pi * 36, accuracy: Double.pi * 36 * 0.01)
        }
    }

    /// Clipping keeps only the part inside the clip rectangle.
    func testClippingLimitsPaint() {
        var canvas = Canvas(width: 20, height: 20, background: .white)
        let big = [Point(-5, -5), Point(25, -5), Point(25, 25), Point(-5, 25)]
        Rasterizer.paint([big], .black, clip: Rect(x: 0, y: 0, width: 10, height: 20), into: &canvas)
        XCTAssertEqual(canvas.pixel(x: 9, y: 19).r, 0)
        XCTAssertEqual(canvas.pixel(x: 10, y: 0).r, 255)
    }

    /// Overlapping stroke pieces (segments plus round joins) do not darken twice: a
    /// 50%-alpha polyline has the same colour at a joint as mid-segment.
    func testTranslucentStrokeJointsAreNotDoubled() {
        var canvas = Canvas(width: 20, height: 20, background: .white)
        let pieces = PathGeometry.stroke([Point(2, 10), Point(10, 10), Point(18, 4)], width: 3, dash: [])
        Rasterizer.paint(pieces, Color.black.withAlpha(0.5), clip: bounds, into: &canvas)
        XCTAssertEqual(canvas.pixel(x: 5, y: 10).r, canvas.pixel(x: 10, y: 10).r)
        XCTAssertEqual(Double(canvas.pixel(x: 5, y: 10).r), 127.5, accuracy: 1)
    }

    func testDashesAlternateOnAndOff() {
        let runs = PathGeometry.dashed([Point(0, 0), Point(20, 0)], pattern: [5, 5])
        XCTAssertEqual(runs.count, 2)
        XCTAssertEqual(runs[0].first, Point(0, 0))
        XCTAssertEqual(runs[0].last, Point(5, 0))
        XCTAssertEqual(runs[1].first, Point(10, 0))
        XCTAssertEqual(runs[1].last, Point(15, 0))
    }
}

final class LineDecimationTests: XCTestCase {
    /// 100,000 points over 500 columns: at most 4 per column survive, and the extreme
    /// spike (and the first and last points) are kept.
    func testLongLinesKeepTheirEnvelope() {
        var points = (0..<100_000).map { i in Point(Double(i) / 200, 100 + Double(i % 7)) }
        points[54_321].y = -500
        let thinned = LineDecimation.decimate(points)
        XCTAssertLessThanOrEqual(thinned.count, 4 * 500)
        XCTAssertTrue(thinned.contains(Point(points[54_321].x, -500)))
        XCTAssertEqual(thinned.first, points.first)
        XCTAssertEqual(thinned.last, points.last)
        XCTAssertEqual(thinned.map(\.y).max(), 106)
    }

    func testLongLossRunsStaySmallInSVG() {
        let steps = Array(0..<50_000)
        let losses = steps.map { 1 / (1 + Double($0) / 1000) + Double($0 % 13) * 0.01 }
        let svg = Charts.loss(steps: steps, losses: losses).svg()
        XCTAssertLessThan(svg.utf8.count, 200_000)
    }
}
