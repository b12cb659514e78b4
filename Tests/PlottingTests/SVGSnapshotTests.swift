import Foundation
import XCTest
@testable import Plotting

/// The SVG of every product chart on fixed data equals its committed snapshot.
///
/// Snapshots live in Tests/PlottingTests/Snapshots. To (re)write them, run with
/// PLOTTING_RECORD_SNAPSHOTS=1, then review them by eye (render the PNGs with
/// PLOTTING_EXAMPLES_DIR, see ExampleRenderTests) before committing. A missing snapshot
/// fails the test unless recording.
final class SVGSnapshotTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    func testEveryChartMatchesItsSnapshot() throws {
        let record = ProcessInfo.processInfo.environment["PLOTTING_RECORD_SNAPSHOTS"] == "1"
        for (name, figure) in ExampleData.figures + ExampleData.degenerate {
            let svg = figure.svg()
            let url = Self.directory.appendingPathComponent("\(name).svg")
            if record {
                try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
                try svg.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
                XCTFail("no snapshot \(url.path); record with PLOTTING_RECORD_SNAPSHOTS=1 and review it")
                continue
            }
            if svg != expected {
                let got = svg.split(separator: "\n"), want = expected.split(separator: "\n")
                let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
                XCTFail("\(name).svg differs from its snapshot at line \(first + 1):\n got: \(first < got.count ? got[first] : "<end>")\nwant: \(first < want.count ? want[first] : "<end>")")
            }
        }
    }

    func testRenderingTwiceGivesTheSameBytes() {
        for (_, figure) in ExampleData.figures {
            XCTAssertEqual(figure.svg(), figure.svg())
        }
    }
}
