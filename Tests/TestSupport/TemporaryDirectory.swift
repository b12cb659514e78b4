import Foundation
import XCTest

extension XCTestCase {
    /// A fresh, empty directory `prefix-UUID` under the system's temporary directory, removed with
    /// everything in it when the test ends (passed or failed). Called from `setUp` it serves one
    /// test at a time, since XCTest runs each test's teardown blocks before the next `setUp`.
    public func makeTemporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
