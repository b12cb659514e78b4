import XCTest
@testable import TextDatasets

final class PretrainingCorpusTests: XCTestCase {
    func testDocumentsAreSeparatedByBlankLinesAndLinesAreTrimmed() throws {
        let corpus = try PretrainingCorpus(text: "\n  First one.  \nFirst two.\r\n\r\n \t \nSecond one.\n\n\n", name: "c.txt")
        XCTAssertEqual(corpus.documents, [["First one.", "First two."], ["Second one."]])
        XCTAssertEqual(corpus.sentenceCount, 3)
        XCTAssertEqual(corpus.lineNumbers, [[2, 3], [6]])
    }

    func testEmptyAndSingleDocumentCorporaAreClearErrors() {
        assertDatasetError(.format, ["c.txt has no sentences"]) { try PretrainingCorpus(text: " \n\n", name: "c.txt") }
        assertDatasetError(.format, ["only one document (2 sentences)", "needs at least two", "blank line"]) {
            try PretrainingCorpus(text: "One.\nTwo.\n", name: "c.txt")
        }
    }

    func testDemoCorpusHasDozensOfMultiSentenceDocuments() throws {
        let corpus = try PretrainingCorpus.load("demo")
        XCTAssertEqual(corpus.documents.count, 36)
        XCTAssertTrue(corpus.documents.allSatisfy { $0.count >= 5 })
        XCTAssertEqual(Set(corpus.documents.joined()).count, corpus.sentenceCount, "no repeated sentence")
    }

    func testFilesAreReadAndMissingFilesNamed() throws {
        let files = try TemporaryFiles()
        let path = try files.write("c.txt", "A.\nB.\n\nC.\n")
        XCTAssertEqual(try PretrainingCorpus.load(path).documents, [["A.", "B."], ["C."]])
        assertDatasetError(.file, ["no such file: /nonexistent/c.txt"]) { try PretrainingCorpus.load("/nonexistent/c.txt") }
    }
}
