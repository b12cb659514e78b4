import XCTest
@testable import TextDatasets

final class TextDatasetsSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
