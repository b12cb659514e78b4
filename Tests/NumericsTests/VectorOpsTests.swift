import Numerics
import XCTest

final class VectorOpsTests: XCTestCase {
    /// Σ x² against a Float64 sum, on lengths around the 1024-value blocks and one long enough to
    /// be split over the cores. The bound: each square rounds once and each block's eight lane
    /// sums are at most 34 float additions deep (32 steps, two to combine the accumulators), and
    /// for positive terms a sum n additions deep is within n · u of the exact one (Higham,
    /// Accuracy and Stability, 4.2): 35 · 2^-24 relative.
    func testSumOfSquaresIsWithinItsRoundingBoundOfAFloat64Sum() {
        var rng = SeededGenerator(seed: 5)
        for count in [0, 1, 7, 1023, 1024, 1025, 5000, 300_007] {
            let x = (0..<count).map { _ in Float.random(in: -3...3, using: &rng) }
            let exact = x.reduce(0.0) { $0 + Double($1) * Double($1) }
            let sum = x.withUnsafeBufferPointer { VectorOps.sumOfSquares(VectorView(base: $0.baseAddress!, count: count)) }
            XCTAssertLessThanOrEqual(abs(sum - exact), 35 * 0x1p-24 * exact, "\(count) values")
            if count == 0 { XCTAssertEqual(sum, 0) }
        }
    }
}
