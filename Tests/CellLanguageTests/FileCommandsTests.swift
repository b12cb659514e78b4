import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

final class FileCommandsTests: XCTestCase {
    func testWriteThenAppendProducesTheTextAndLoadsAsADataset() throws {
        let folder = try makeTemporaryDirectory("write")
        let file = folder.appendingPathComponent("tiny.csv").path
        try FileCommands.writeText("text,label\ngreat,pos\n", to: file, append: false)
        try FileCommands.writeText("awful,neg\n", to: file, append: true)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "text,label\ngreat,pos\nawful,neg\n")
        try FileCommands.writeText("replaced\n", to: file, append: false)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "replaced\n")
    }

    func testWriteCreatesMissingFoldersAsSaveDoesAndOntoAFolderIsAFileError() throws {
        let folder = try makeTemporaryDirectory("write")
        // One rule for write and save(to:) (issue 13): missing folders on the way are created.
        let nested = folder.appendingPathComponent("no/such.csv").path
        try FileCommands.writeText("x", to: nested, append: false)
        XCTAssertEqual(try String(contentsOfFile: nested, encoding: .utf8), "x")
        XCTAssertThrowsError(try FileCommands.writeText("x", to: folder.path, append: false)) {
            XCTAssertEqual(($0 as? SessionError)?.kind, .file)
        }
        // A file where a folder should be is named, in words.
        let file = folder.appendingPathComponent("plain.txt")
        try Data("keep".utf8).write(to: file)
        XCTAssertThrowsError(try FileCommands.writeText("x", to: file.appendingPathComponent("a/b.csv").path, append: false)) {
            XCTAssertEqual(($0 as? SessionError)?.kind, .file)
            XCTAssertTrue("\($0)".contains("plain.txt is a file, not a folder"), "\($0)")
        }
        XCTAssertEqual(try Data(contentsOf: file), Data("keep".utf8))
    }
}
