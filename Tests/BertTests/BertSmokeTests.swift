import XCTest
@testable import Bert

final class BertSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
