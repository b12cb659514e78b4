import Display
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
