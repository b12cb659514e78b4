import Foundation
import XCTest
@testable import Plotting

final class PNGTests: XCTestCase {
    /// A canvas with varied content (so every row filter gets chosen somewhere) survives
    /// encode -> decode byte for byte.
    func testEncodedCanvasDecodesToTheSamePixelsExactly() throws {
        var canvas = Canvas(width: 37, height: 23, background: Color(hex: 0x102030))
        Rasterizer.paint([PathGeometry.circle(Point(18, 11), radius: 9)], Color(hex: 0xE69F00), clip: Rect(x: 0, y: 0, width: 37, height: 23), into: &canvas)
        for x in 0..<37 { canvas.blend(x: x, y: 0, color: (Double(x) / 37, 0.5, 1, 1), coverage: 1) }
        let image = try PNGDecoder.decode(try PNGEncoder.encode(canvas))
        XCTAssertEqual(image.width, 37)
        XCTAssertEqual(image.height, 23)
        XCTAssertEqual(image.pixels, canvas.pixels)
    }

    /// Dimensions are the figure size times the scale; known areas have known colours:
    /// the corner is background, the middle of a bar is exactly the bar's colour.
    func testFigurePNGHasScaledSizeAndKnownColours() throws {
        let blue = Color(hex: 0x0072B2)
        var axes = Axes(x: Axis(categories: ["a"]), y: Axis(limits: 0...10))
        axes.series = [.bars(BarSeries(values: [10], color: blue))]
        let figure = Figure(width: 200, height: 120, panels: [axes])
        let image = try PNGDecoder.decode(try figure.png(scale: 2))
        XCTAssertEqual(image.width, 400)
        XCTAssertEqual(image.height, 240)
        XCTAssertTrue(image.pixel(0, 0) == (255, 255, 255))
        // The bar fills the middle 80% of the only category slot, from 0 to the top (10).
        let list = figure.displayList()
        guard case .clipped(let plot, _)? = list.primitives.first(where: { if case .clipped = $0 { return true } else { return false } }) else {
            return XCTFail("no plot area in the display list")
        }
        let center = image.pixel(Int(plot.midX * 2), Int(plot.midY * 2))
        XCTAssertTrue(center == (0x00, 0x72, 0xB2), "bar centre is \(center)")
    }

    /// A heatmap cell's centre carries the ramp colour of its value; text is drawn
    /// (dark pixels appear where the title is).
    func testHeatmapCellColourAndTitleTextAppear() throws {
        var axes = Axes(x: Axis(categories: ["a", "b"]), y: Axis(categories: ["c", "d"]))
        axes.series = [.heatmap(Heatmap(values: [[0, 1], [1, 0]], domain: 0...1, colorBar: false))]
        let figure = Figure(width: 240, height: 200, title: "TITLE", panels: [axes])
        let image = try PNGDecoder.decode(try figure.png(scale: 1))
        guard case .clipped(let plot, _)? = figure.displayList().primitives.first(where: { if case .clipped = $0 { return true } else { return false } }) else {
            return XCTFail("no plot area")
        }
        let topRight = image.pixel(Int(plot.minX + plot.width * 0.75), Int(plot.minY + plot.height * 0.25))
        let yellow = Palette.viridis(1).bytes
        XCTAssertTrue(topRight == (yellow.r, yellow.g, yellow.b), "cell (0, 1) is \(topRight)")
        let topLeft = image.pixel(Int(plot.minX + plot.width * 0.25), Int(plot.minY + plot.height * 0.25))
        let purple = Palette.viridis(0).bytes
        XCTAssertTrue(topLeft == (purple.r, purple.g, purple.b), "cell (0, 0) is \(topLeft)")
        var dark = 0
        for y in 8..<26 { for x in 90..<150 where image.pixel(x, y).r < 100 { dark += 1 } }
        XCTAssertGreaterThan(dark, 30, "the title should put dark pixels at the top centre")
    }

    func testScaleOneAndTwoBothDecode() throws {
        let figure = Charts.accuracy(epochs: [1, 2], train: [0.5, 0.8], validation: [0.6, 0.7])
        for scale in [1.0, 2.0] {
            let image = try PNGDecoder.decode(try figure.png(scale: scale))
            XCTAssertEqual(image.width, Int(720 * scale))
            XCTAssertEqual(image.height, Int(432 * scale))
        }
    }

    func testAbsurdSizesThrowInsteadOfAllocating() {
        let figure = Figure(width: 1e6, height: 10, panels: [])
        XCTAssertThrowsError(try figure.png(scale: 2)) { error in
            XCTAssertEqual(error as? PlotError, .badSize(width: 2_000_000, height: 20))
        }
    }
}
