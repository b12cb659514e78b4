import XCTest
@testable import Numerics

final class NumericsSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
