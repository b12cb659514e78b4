import Display
import XCTest
@testable import CellLanguage
import TestSupport

/// The recording sink lives in TestSupport (the headless runner's tests use it too); the alias
/// lets this module's files name it without each importing TestSupport.
typealias RecordingSink = TestSupport.RecordingSink

/// What a cell gave, for assertions.
extension CellOutcome {
    var value: MimeBundle? {
        if case .success(let value, _) = self { return value }
        return nil
    }

    var pages: [MimeBundle] {
        if case .success(_, let pages) = self { return pages }
        return []
    }

    var error: CellError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// The two ways a test runs a cell it expects to succeed or to fail.
extension Engine {
    /// Runs `code`; a failing cell fails the test.
    @discardableResult
    func run(_ code: String, output sink: RecordingSink, file: StaticString = #filePath, line: UInt = #line) -> CellOutcome {
        let outcome = execute(code, output: sink)
        if let error = outcome.error { XCTFail("cell failed: \(error)", file: file, line: line) }
        return outcome
    }

    /// The error `code` fails with, as text; "" (and a test failure) when it succeeds.
    func failure(_ code: String, output sink: RecordingSink, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard let error = execute(code, output: sink).error else {
            XCTFail("\(code) should fail", file: file, line: line)
            return ""
        }
        return "\(error)"
    }
}
