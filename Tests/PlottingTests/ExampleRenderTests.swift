import Foundation
import XCTest
@testable import Plotting

/// Writes every example chart as PNG and SVG to $PLOTTING_EXAMPLES_DIR for a person to look
/// at; skipped when the variable is unset.
final class ExampleRenderTests: XCTestCase {
    func testWriteExamplesForReview() throws {
        guard let dir = ProcessInfo.processInfo.environment["PLOTTING_EXAMPLES_DIR"] else {
            throw XCTSkip("set PLOTTING_EXAMPLES_DIR to write example PNGs and SVGs")
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, figure) in ExampleData.figures + ExampleData.degenerate {
            try figure.png(scale: 2).write(to: URL(fileURLWithPath: "\(dir)/\(name).png"))
            try figure.svg().write(toFile: "\(dir)/\(name).svg", atomically: true, encoding: .utf8)
        }
    }
}
