import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Plotting

final class SVGTests: XCTestCase {
    /// Parses `svg` as XML; returns the element names, or fails the test.
    func elements(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        final class Collector: NSObject, XMLParserDelegate {
            var names: [String] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String] = [:]) {
                names.append(name)
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
        return collector.names
    }

    func testEveryChartIsWellFormedSVGWithViewBox() {
        for (name, figure) in ExampleData.figures {
            let svg = figure.svg()
            XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), name)
            XCTAssertTrue(svg.contains("viewBox=\"0 0 \(SVGWriter.number(figure.width)) \(SVGWriter.number(figure.height))\""), name)
            XCTAssertEqual(elements(svg).first, "svg", name)
            XCTAssertFalse(svg.contains("@import") || svg.contains("href=\"http") || svg.contains("url(http"),
                           "\(name) must not load external resources")
        }
    }

    func testMarkupInTextIsEscaped() {
        let figure = Charts.attention(tokens: ["<b>", "&amp", "\"q\"", "it's", "tab\there", "\u{7}bell"],
                                      weights: Array(repeating: Array(repeating: 1.0 / 6, count: 6), count: 6),
                                      title: "</svg><script>alert(1)</script>")
        let svg = figure.svg()
        XCTAssertFalse(svg.contains("<script>"))
        XCTAssertTrue(svg.contains("&lt;b&gt;"))
        XCTAssertTrue(svg.contains("&amp;amp"))
        XCTAssertTrue(svg.contains("&quot;q&quot;"))
        let names = elements(svg)
        XCTAssertFalse(names.contains("script"))
        XCTAssertFalse(names.contains("b"))
    }

    /// Two figures inlined into one notebook page must not share clip-path ids.
    func testClipIdsDifferBetweenFigures() {
        func ids(_ svg: String) -> Set<String> {
            Set(svg.components(separatedBy: "clipPath id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) })
        }
        let a = Charts.learningRate(steps: [0, 1, 2], lrs: [0, 1e-5, 2e-5]).svg()
        let b = Charts.learningRate(steps: [0, 1, 2], lrs: [0, 2e-5, 1e-5]).svg()
        XCTAssertFalse(ids(a).isEmpty)
        XCTAssertTrue(ids(a).isDisjoint(with: ids(b)))
    }

    /// 40 x 40 cells (over the 1024-cell limit) become one embedded PNG of 4x4 pixels per
    /// cell whose pixels carry the cell colours; small grids stay rectangles.
    func testLargeHeatmapsAreEmbeddedAsOnePNG() throws {
        let n = 40
        let weights = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        let svg = Charts.attention(tokens: (0..<n).map { "t\($0)" }, weights: weights).svg()
        let prefix = "xlink:href=\"data:image/png;base64,"
        guard let start = svg.range(of: prefix) else { return XCTFail("no embedded image") }
        let encoded = svg[start.upperBound...].prefix { $0 != "\"" }
        let image = try PNGDecoder.decode(try XCTUnwrap(Data(base64Encoded: String(encoded))))
        XCTAssertEqual(image.width, 4 * n)
        XCTAssertEqual(image.height, 4 * n)
        let yellow = Palette.viridis(1).bytes, purple = Palette.viridis(0).bytes
        XCTAssertTrue(image.pixel(4 * 7 + 2, 4 * 7 + 1) == (yellow.r, yellow.g, yellow.b))
        XCTAssertTrue(image.pixel(4 * 7 + 2, 4 * 8 + 1) == (purple.r, purple.g, purple.b))
        XCTAssertLessThan(svg.utf8.count, 60_000)
        XCTAssertFalse(Charts.attention(tokens: ["a", "b"], weights: [[1, 0], [0, 1]]).svg().contains("<image"))
    }

    func testNumbersHaveAtMostTwoDecimalsAndNoNegativeZero() {
        XCTAssertEqual(SVGWriter.number(1.005), "1")
        XCTAssertEqual(SVGWriter.number(2.5), "2.5")
        XCTAssertEqual(SVGWriter.number(-0.001), "0")
        XCTAssertEqual(SVGWriter.number(.nan), "0")
        XCTAssertEqual(SVGWriter.number(100), "100")
    }
}
