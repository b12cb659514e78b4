import Foundation
import Numerics
import TestSupport
import XCTest
@testable import Bert

/// `BertCheckpoint.save` never deletes what it did not write, replaces an earlier save in one
/// atomic swap, clears what a killed save left behind, and words its errors (issue 13, parts 1-2).
final class SaveSafetyTests: XCTestCase {
    var scratch: URL!
    var network: BertNetwork!
    let fm = FileManager.default

    override func setUpWithError() throws {
        scratch = try makeTemporaryDirectory("bert-save")
        network = try BertCheckpoint.load(from: BertFixtures.tinyClassifier).network
    }

    private func save(to target: URL) throws {
        try BertCheckpoint.save(network, to: target, extraFiles: ["vocab.txt": Data("[PAD]\n[UNK]\n".utf8)])
    }

    private func contents(_ folder: URL) throws -> [String] { try fm.contentsOfDirectory(atPath: folder.path).sorted() }

    /// Asserts a FileError whose message holds every fragment.
    private func assertFileError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                                 _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual((error as? BertError)?.kind, .file, "\(error)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue("\(error)".contains(fragment), "'\(error)' lacks '\(fragment)'", file: file, line: line)
            }
            XCTAssertFalse("\(error)".contains("NSCocoaErrorDomain"), "\(error)", file: file, line: line)
        }
    }

    func testAFolderOfSomeoneElsesFilesIsRefusedListingThemAndSuggestingANewName() throws {
        let important = scratch.appendingPathComponent("important")
        try fm.createDirectory(at: important, withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: important.appendingPathComponent("notes.txt"))
        try Data("a,b\n".utf8).write(to: important.appendingPathComponent("data.csv"))
        assertFileError(["important already holds data.csv, notes.txt", "not written by save(to:)",
                         "Nothing was changed", "important-model"]) { try save(to: important) }
        XCTAssertEqual(try contents(important), ["data.csv", "notes.txt"])
        XCTAssertEqual(try Data(contentsOf: important.appendingPathComponent("notes.txt")), Data("mine".utf8))
        XCTAssertEqual(try contents(scratch), ["important"], "no staging folder left behind")
    }

    func testAnEarlierSaveIsReplacedAndItsMarkerListsExactlyTheFilesWritten() throws {
        let target = scratch.appendingPathComponent("m")
        try save(to: target)
        XCTAssertEqual(try contents(target), [".bert-kernel-save", "config.json", "model.safetensors", "vocab.txt"])
        XCTAssertEqual(SaveDirectory.markedFiles(in: target), ["config.json", "model.safetensors", "vocab.txt"])
        let inode = try XCTUnwrap(fm.attributesOfItem(atPath: target.path)[.systemFileNumber] as? Int)
        network.mutableParameter("classifier.bias")![0] = 42
        try save(to: target)
        XCTAssertNotEqual(try fm.attributesOfItem(atPath: target.path)[.systemFileNumber] as? Int, inode,
                          "the folder was swapped, not rewritten in place")
        XCTAssertEqual(try BertCheckpoint.load(from: target).network.parameter("classifier.bias")![0], 42)
        XCTAssertEqual(try contents(scratch), ["m"], "the old model is gone and nothing hidden is left")
        // An empty folder may be used too.
        let empty = scratch.appendingPathComponent("empty")
        try fm.createDirectory(at: empty, withIntermediateDirectories: false)
        try save(to: empty)
        XCTAssertTrue(fm.fileExists(atPath: empty.appendingPathComponent("model.safetensors").path))
    }

    func testAnEarlierSaveWithAFileAddedByHandIsRefusedNamingOnlyThatFile() throws {
        let target = scratch.appendingPathComponent("m")
        try save(to: target)
        try Data("# my model\n".utf8).write(to: target.appendingPathComponent("README.md"))
        let before = try Data(contentsOf: target.appendingPathComponent("model.safetensors"))
        assertFileError(["holds a saved model and also README.md", "m-model"]) { try save(to: target) }
        XCTAssertEqual(try Data(contentsOf: target.appendingPathComponent("model.safetensors")), before)
        XCTAssertTrue(fm.fileExists(atPath: target.appendingPathComponent("README.md").path))
        // A folder transformers wrote (no marker of ours) is refused as well.
        let hub = scratch.appendingPathComponent("hub")
        try fm.createDirectory(at: hub, withIntermediateDirectories: false)
        try Data("{}".utf8).write(to: hub.appendingPathComponent("config.json"))
        assertFileError(["hub already holds config.json"]) { try save(to: hub) }
        try Data("x".utf8).write(to: hub.appendingPathComponent("model.safetensors"))
        assertFileError(["hub already holds a model that carries no .bert-kernel-save marker", "delete the folder yourself"]) {
            try save(to: hub)
        }
        XCTAssertEqual(try contents(hub), ["config.json", "model.safetensors"])
    }

    func testTheWorkingDirectoryItsParentsHomeAndLinksAreNeverReplaced() throws {
        let work = scratch.appendingPathComponent("notebook")
        try save(to: work)   // a folder that holds only a save: replaceable by name, not as "."
        let previous = fm.currentDirectoryPath
        XCTAssertTrue(fm.changeCurrentDirectoryPath(work.path))
        assertFileError(["is the working directory", "saved-model"]) { try save(to: URL(fileURLWithPath: ".")) }
        assertFileError(["holds the working directory"]) { try save(to: URL(fileURLWithPath: "..")) }
        assertFileError(["is the root folder"]) { try save(to: URL(fileURLWithPath: "/")) }
        XCTAssertTrue(fm.changeCurrentDirectoryPath(previous))
        XCTAssertEqual(try contents(work), [".bert-kernel-save", "config.json", "model.safetensors", "vocab.txt"])
        assertFileError(["save never replaces it"]) { try save(to: fm.homeDirectoryForCurrentUser) }

        let link = scratch.appendingPathComponent("link")
        try fm.createSymbolicLink(at: link, withDestinationURL: work)
        assertFileError(["symbolic link"]) { try save(to: link) }
        XCTAssertEqual(try fm.destinationOfSymbolicLink(atPath: link.path), work.path)
    }

    func testTheExchangeSwapsTwoFoldersInOneStep() throws {
        let a = scratch.appendingPathComponent("a"), b = scratch.appendingPathComponent("b")
        for (folder, file) in [(a, "in-a"), (b, "in-b")] {
            try fm.createDirectory(at: folder, withIntermediateDirectories: false)
            try Data().write(to: folder.appendingPathComponent(file))
        }
        XCTAssertEqual(SaveDirectory.exchange(a.path, b.path), 0, String(cString: strerror(errno)))
        XCTAssertEqual(try contents(a), ["in-b"])
        XCTAssertEqual(try contents(b), ["in-a"])
    }

    func testLeftoversOfAKilledSaveAreClearedOrPutBackOnTheNextSave() throws {
        let target = scratch.appendingPathComponent("m")
        try save(to: target)
        // A save killed while writing: its staging folder with the marker and half the files, and
        // Foundation's temporary file; and one killed after the swap, holding the old model.
        let half = scratch.appendingPathComponent(".m.saving-0A1B2C3D")
        let staging = try SaveDirectory(target).makeStaging(files: ["config.json", "model.safetensors"])
        staging.release()   // as the kernel does for a killed process
        try fm.moveItem(at: staging.url, to: half)
        try Data("{}".utf8).write(to: half.appendingPathComponent("config.json"))
        try Data("x".utf8).write(to: half.appendingPathComponent(".dat.nosync1234.abcd"))
        let swapped = scratch.appendingPathComponent(".m.saving-99999999")
        try fm.copyItem(at: target, to: swapped)
        // Someone's folder that merely looks similar is not ours: another name pattern, kept.
        let lookalike = scratch.appendingPathComponent(".m.saving-notours")
        try fm.createDirectory(at: lookalike, withIntermediateDirectories: false)
        try save(to: target)
        XCTAssertEqual(try contents(scratch), [".m.saving-notours", "m"])

        // Another kernel's save still writing (its marker locked) is left alone; once it ends, cleared.
        let running = try SaveDirectory(target).makeStaging(files: ["config.json"])
        try save(to: target)
        XCTAssertTrue(fm.fileExists(atPath: running.url.path), "a save in progress is not a leftover")
        running.release()
        try save(to: target)
        XCTAssertFalse(fm.fileExists(atPath: running.url.path))

        // A leftover holding a file no save writes keeps that file (and its folder).
        let odd = scratch.appendingPathComponent(".m.saving-ABCDEF01")
        try fm.copyItem(at: target, to: odd)
        try Data("mine".utf8).write(to: odd.appendingPathComponent("notes.txt"))
        try save(to: target)
        XCTAssertEqual(try contents(odd), ["notes.txt"])
    }

    func testAFolderMovedAsideByAnInterruptedSaveIsPutBack() throws {
        // The old two-rename save, killed between its renames, left the target missing and the
        // previous folder in .NAME.old-*: that folder goes back to its name before anything else.
        let target = scratch.appendingPathComponent("important")
        let aside = scratch.appendingPathComponent(".important.old-1234ABCD")
        try fm.createDirectory(at: aside, withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: aside.appendingPathComponent("notes.txt"))
        assertFileError(["important already holds notes.txt"]) { try save(to: target) }
        XCTAssertEqual(try contents(target), ["notes.txt"])
        XCTAssertEqual(try contents(scratch), ["important"])

        // An earlier model moved aside comes back and is then replaced as usual.
        let model = scratch.appendingPathComponent("model")
        try save(to: model)
        try fm.moveItem(at: model, to: scratch.appendingPathComponent(".model.old-00000000"))
        try save(to: model)
        XCTAssertEqual(try contents(scratch), ["important", "model"])
    }

    func testFailuresAreSentencesAndMissingParentFoldersAreCreated() throws {
        assertFileError(["/proc", "does not accept new folders"]) { try save(to: URL(fileURLWithPath: "/proc/x")) }
        let plain = scratch.appendingPathComponent("plain.txt")
        try Data("keep".utf8).write(to: plain)
        assertFileError(["plain.txt exists and is a file, not a folder"]) { try save(to: plain) }
        assertFileError(["plain.txt is a file, not a folder"]) { try save(to: plain.appendingPathComponent("m")) }
        XCTAssertEqual(try Data(contentsOf: plain), Data("keep".utf8))

        let nested = scratch.appendingPathComponent("runs/2026/m")
        try save(to: nested)
        XCTAssertTrue(fm.fileExists(atPath: nested.appendingPathComponent("config.json").path))
    }

    func testErrnoAndFoundationErrorsBecomeSentences() {
        XCTAssertEqual(FileFailure.sentence(errno: EROFS, path: "/mnt/m"),
                       "/mnt/m is on a read-only file system; choose a folder you can write to")
        XCTAssertTrue(FileFailure.sentence(errno: ENOSPC, path: "/d/m").hasPrefix("no space left on the disk that holds /d/m"))
        let cocoa = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileNoSuchFile.rawValue)
        XCTAssertEqual(FileFailure.sentence(cocoa, path: "/x/y"), "/x/y does not exist (or a folder on the way to it does not)")
        let wrapped = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileWriteUnknown.rawValue,
                              userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))])
        XCTAssertTrue(FileFailure.sentence(wrapped, path: "/x").hasPrefix("permission denied for /x"))
    }
}
