import Display
import Foundation
import XCTest
@testable import CellLanguage

final class MarkdownReferenceTests: XCTestCase {
    func testReferenceDocumentsEveryCommandFromTheRegistry() {
        let engine = Engine()
        let reference = engine.markdownReference()
        for command in engine.registry.commands {
            XCTAssertTrue(reference.contains("### `\(command.selector)`"), command.selector)
            XCTAssertTrue(reference.contains("```swift\n\(command.signature)\n```"), command.signature)
            XCTAssertTrue(reference.contains("```swift\n\(command.example)\n```"), command.example)
        }
        XCTAssertTrue(reference.contains("| `seconds:` | `Double` in `0...86400` | required | how long to wait |"), reference)
    }

    func testEveryCommandsExampleParses() throws {
        for command in TestCommands.registry().commands {
            XCTAssertNoThrow(try Parser.parse(command.example), command.example)
        }
    }
}

/// docs/cell-language.md is generated from the registry; this keeps it from drifting.
/// Regenerate with `BERT_KERNEL_WRITE_REFERENCE=1 swift test --filter CellLanguageReferenceFileTests`.
final class CellLanguageReferenceFileTests: XCTestCase {
    func testDocsCellLanguageMdMatchesTheRegistry() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("docs/cell-language.md")
        let generated = Engine().markdownReference()
        if ProcessInfo.processInfo.environment["BERT_KERNEL_WRITE_REFERENCE"] == "1" {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(generated.utf8).write(to: file)
        }
        guard let committed = try? String(contentsOf: file, encoding: .utf8) else {
            throw XCTSkip("docs/cell-language.md is absent; generate it with BERT_KERNEL_WRITE_REFERENCE=1")
        }
        XCTAssertEqual(committed, generated, "docs/cell-language.md is stale; regenerate it with BERT_KERNEL_WRITE_REFERENCE=1")
    }
}
