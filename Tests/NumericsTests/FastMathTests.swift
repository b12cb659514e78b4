import Foundation
@testable import Numerics
import XCTest

/// The vectorisable exp and erf against Float64 libm.
final class FastMathTests: XCTestCase {
    func testExpIsWithin2ulpOfDoubleExpOnMinus87To88AndFiniteAbove() {
        XCTAssertTrue(FastMath.exp(1000).isFinite)
        XCTAssertEqual(FastMath.exp(1000) * 0, 0)
        var worst: Double = 0
        var x: Float = -87
        while x < 88.3 {
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(FastMath.exp(x)) - exact) / exact)
            x += 0.01237
        }
        XCTAssertLessThan(worst, 2.4e-7)
        XCTAssertEqual(FastMath.exp(0), 1)
    }

    func testErfIsWithin2e7OfDoubleErf() {
        var worst: Double = 0
        var x: Float = -7
        while x < 7 {
            worst = max(worst, abs(Double(FastMath.erf(x)) - Foundation.erf(Double(x))))
            x += 0.000731
        }
        XCTAssertLessThan(worst, 2e-7)
    }

    /// The e^(-x²) that erf evaluates for its tail, returned for GELU's backward, is exp's own
    /// accuracy for the unclamped x (not e^(-16) past erf's clamp at 4), and sharing it leaves
    /// erf as it was: ±1 exactly beyond 4.
    func testErfsGaussianIsExpOfMinusXSquaredBeyondTheClampToo() {
        var worst: Double = 0
        var x: Float = -9.3   // e^(-x²) stays normal: above exp's floor at -87.3
        while x < 9.3 {
            let (e, g) = FastMath.erfAndGaussian(x)
            XCTAssertEqual(e.bitPattern, FastMath.erf(x).bitPattern)
            let exact = Foundation.exp(-Double(x * x))
            worst = max(worst, abs(Double(g) - exact) / exact)
            if abs(x) > 4 { XCTAssertEqual(abs(e), 1, "erf(\(x))") }
            x += 0.00513
        }
        XCTAssertLessThan(worst, 2.4e-7)
    }
}
