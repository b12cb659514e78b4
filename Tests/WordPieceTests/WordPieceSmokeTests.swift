import XCTest
@testable import WordPiece

final class WordPieceSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
