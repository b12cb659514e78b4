import XCTest
@testable import Plotting

final class PlottingSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
