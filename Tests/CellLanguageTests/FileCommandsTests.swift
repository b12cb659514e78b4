import Foundation
import XCTest
@testable import CellLanguage

final class FileCommandsTests: XCTestCase {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("write-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func testWriteThenAppendProducesTheTextAndLoadsAsADataset() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("tiny.csv").path
        try FileCommands.writeText("text,label\ngreat,pos\n", to: file, append: false)
        try FileCommands.writeText("awful,neg\n", to: file, append: true)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "text,label\ngreat,pos\nawful,neg\n")
        try FileCommands.writeText("replaced\n", to: file, append: false)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "replaced\n")
    }

    func testWriteIntoAMissingFolderOrOntoAFolderIsAFileError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try FileCommands.writeText("x", to: folder.appendingPathComponent("no/such.csv").path, append: false)) {
            XCTAssertEqual(($0 as? SessionError)?.kind, .file)
        }
        XCTAssertThrowsError(try FileCommands.writeText("x", to: folder.path, append: false)) {
            XCTAssertEqual(($0 as? SessionError)?.kind, .file)
        }
    }
}
