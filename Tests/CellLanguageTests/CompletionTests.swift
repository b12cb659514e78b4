import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

final class CompletionTests: XCTestCase {
    private let engine = Engine(registry: TestCommands.registry())

    /// Completes at the `|` in `code`.
    private func complete(_ code: String) -> (matches: [String], start: Int, end: Int) {
        let cursor = code.unicodeScalars.firstIndex(of: "|").map { code.unicodeScalars.distance(from: code.unicodeScalars.startIndex, to: $0) }!
        return engine.complete(code.replacingOccurrences(of: "|", with: ""), cursor: cursor)
    }

    func testCommandNamesByPrefix() {
        let c = complete("pri|")
        XCTAssertEqual(c.matches, ["print"])
        XCTAssertEqual(c.start, 0)
        XCTAssertEqual(c.end, 3)
        XCTAssertEqual(complete("x = 1; sl|").matches, ["sleep"])
    }

    func testBoundNamesAndKeywords() {
        _ = engine.execute("let trainingSet = 1", output: RecordingSink())
        XCTAssertEqual(complete("tr|").matches, ["trainingSet", "train", "true"])
        XCTAssertEqual(complete("le|").matches, ["let"])
    }

    func testNothingAfterLet() {
        XCTAssertEqual(complete("let pr|").matches, [])
    }

    func testLabelsInsideACallAfterParenthesisOrComma() {
        XCTAssertEqual(complete("train(|").matches.prefix(3), ["epochs: ", "lr: ", "patience: "])
        let c = complete("train(epochs: 3, |")
        XCTAssertEqual(Array(c.matches.prefix(2)), ["lr: ", "patience: "])
        XCTAssertEqual(c.start, c.end)
        XCTAssertEqual(complete("train(epochs: 3, pa|)").matches, ["patience: "])
        XCTAssertEqual(complete("load(|").matches.prefix(4), ["model: ", "labels: ", "dataset: ", "text: "])
    }

    func testNoLabelsInValuePosition() {
        XCTAssertFalse(complete("train(epochs: e|").matches.contains("epochs: "))
    }

    func testHelpCompletesCommandNames() {
        XCTAssertEqual(complete("?sl|").matches, ["sleep"])
    }

    func testEnumeratedValuesInsideStrings() {
        let c = complete("plot(\"l|")
        XCTAssertEqual(c.matches, ["loss", "lr"])
        XCTAssertEqual(c.start, 6)
        XCTAssertEqual(c.end, 7)
        XCTAssertEqual(complete("evaluate(split: \"|\")").matches, ["train", "validation", "test"])
        XCTAssertEqual(complete("predict([\"a\", \"|").matches, [], "no enumeration and no paths for predict's texts")
    }

    func testFilePathsInsideStrings() throws {
        let dir = try makeTemporaryDirectory("cellcomp")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: dir.appendingPathComponent("reviews.csv"))
        try Data("x".utf8).write(to: dir.appendingPathComponent(".hidden"))
        let prefix = dir.path + "/"
        let c = complete("load(dataset: \"\(prefix)|\")")
        XCTAssertEqual(c.matches, ["demo", prefix + "models/", prefix + "reviews.csv"].filter { $0 != "demo" })
        XCTAssertEqual(complete("load(dataset: \"\(prefix)r|").matches, [prefix + "reviews.csv"])
        XCTAssertEqual(complete("load(dataset: \"de|").matches, ["demo"])
        XCTAssertEqual(complete("let f = \"\(prefix).h|").matches, [prefix + ".hidden"])
    }

    func testCursorCountsUnicodeScalars() {
        let c = complete("print(\"😀é\"); sl|")
        XCTAssertEqual(c.matches, ["sleep"])
        XCTAssertEqual(c.start, 13)
    }
}

final class CompletionEdgeTests: XCTestCase {
    private let engine = Engine()

    func testNothingInsideComments() {
        XCTAssertEqual(engine.complete("// pri", cursor: 6).matches, [])
        XCTAssertEqual(engine.complete("/* pri", cursor: 6).matches, [])
        XCTAssertEqual(engine.complete("print(1) // x\npri", cursor: 17).matches, ["print"])
        XCTAssertEqual(engine.complete("/* a */ pri", cursor: 11).matches, ["print"])
    }

    func testCommandNamesInsideHelpStrings() {
        XCTAssertEqual(engine.complete("help(\"sl", cursor: 8).matches, ["sleep"])
    }
}

final class CompletionAfterCommentsTests: XCTestCase {
    func testAClosedBlockCommentHoldingSlashesIsNotALineComment() {
        let engine = Engine()
        XCTAssertEqual(engine.complete("/* see // */ ", cursor: 13).matches.contains("print"), true)
        XCTAssertEqual(engine.complete("print(1) // x\n", cursor: 14).matches.contains("print"), true)
        XCTAssertEqual(engine.complete("print(1) // x ", cursor: 14).matches, [])
    }
}
