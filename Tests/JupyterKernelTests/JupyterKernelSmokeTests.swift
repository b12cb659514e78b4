import XCTest
@testable import JupyterKernel

final class JupyterKernelSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertTrue(true) }
}
