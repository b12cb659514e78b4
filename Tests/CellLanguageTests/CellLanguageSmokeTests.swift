import XCTest
@testable import CellLanguage

final class CellLanguageSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
