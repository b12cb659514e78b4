import XCTest
@testable import Plotting

final class TicksTests: XCTestCase {
    func testStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        XCTAssertEqual(Ticks.niceStep(0.13), 0.2, accuracy: 1e-12)
        XCTAssertEqual(Ticks.niceStep(3), 5)
        XCTAssertEqual(Ticks.niceStep(6), 10)
        XCTAssertEqual(Ticks.niceStep(1), 1)
        XCTAssertEqual(Ticks.niceStep(0.1 / 5), 0.02, accuracy: 1e-15)
        XCTAssertEqual(Ticks.niceStep(1.2e-5), 2e-5, accuracy: 1e-18)
    }

    /// 0...0.93 in about 5 steps: step 0.2, widened to 0...1.
    func testLinearTicksWidenToWholeSteps() {
        let t = Ticks.linear(0, 0.93)
        XCTAssertEqual(t.domain, 0...1)
        XCTAssertEqual(t.labels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    func testLearningRatesGetScientificLabels() {
        let t = Ticks.linear(0, 5e-5)
        XCTAssertEqual(t.labels, ["0", "1e-5", "2e-5", "3e-5", "4e-5", "5e-5"])
    }

    func testIntegerAxesNeverTickBetweenIntegers() {
        let t = Ticks.linear(1, 2, minimumStep: 1)
        XCTAssertEqual(t.labels, ["1", "2"])
    }

    /// A constant series (or one point) gets a range of +-10% around it, and 0 gets -1...1.
    func testConstantDataGetsANonEmptyRange() {
        let t = Ticks.linear(5, 5)
        XCTAssertLessThan(t.domain.lowerBound, 5)
        XCTAssertGreaterThan(t.domain.upperBound, 5)
        // +-0.5 around 5, widened to whole steps of 0.2: 4.4...5.6, centred on the value.
        XCTAssertEqual(t.domain.lowerBound, 4.4, accuracy: 1e-12)
        XCTAssertEqual(t.domain.upperBound, 5.6, accuracy: 1e-12)
        XCTAssertTrue(t.labels.contains("5.0"))
        XCTAssertEqual(Ticks.linear(0, 0).domain, -1...1)
    }

    func testNonFiniteBoundsFallBackToAUsableRange() {
        let t = Ticks.linear(.nan, .infinity)
        XCTAssertTrue(t.domain.lowerBound.isFinite && t.domain.upperBound.isFinite)
        XCTAssertFalse(t.values.isEmpty)
    }

    func testLogTicksAreDecadesOrOneTwoFive() {
        XCTAssertEqual(Ticks.log(0.002, 30).labels, ["0.001", "0.01", "0.1", "1", "10", "100"])
        XCTAssertEqual(Ticks.log(1, 10).labels, ["1", "2", "5", "10"])
        XCTAssertEqual(Ticks.log(1e-7, 1e-5).labels, ["1e-7", "1e-6", "1e-5"])
    }
}
