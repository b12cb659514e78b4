import XCTest
@testable import TextDatasets

final class DelimitedTextParserTests: XCTestCase {
    private func csv(_ text: String, limit: Int? = nil) throws -> RawTable {
        try DelimitedTextParser.parse(Array(text.utf8), dialect: .csv, source: "t.csv", rowLimit: limit)
    }

    private func tsv(_ text: String) throws -> RawTable {
        try DelimitedTextParser.parse(Array(text.utf8), dialect: .tsv, source: "t.tsv")
    }

    private func texts(_ table: RawTable) -> [[String]] {
        table.rows.map { $0.fields.map { if case .text(let t) = $0 { t } else { "<not text>" } } }
    }

    func testCSVQuotedFieldsHoldCommasNewlinesAndDoubledQuotes() throws {
        let table = try csv("text,label\n\"a, b\",1\n\"say \"\"hi\"\"\",0\n\"two\nlines\",1\n")
        XCTAssertEqual(table.header, ["text", "label"])
        XCTAssertEqual(texts(table), [["a, b", "1"], ["say \"hi\"", "0"], ["two\nlines", "1"]])
        // The row after a two-line field starts on line 4 (header 1, rows on 2, 3, 4-5).
        XCTAssertEqual(table.rows.map(\.line), [2, 3, 4])
    }

    func testCSVHandlesCRLFByteOrderMarkEmptyFieldsAndKeepsSpaces() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let table = try DelimitedTextParser.parse(bom + Array("text,label\r\n  padded ,x\r\n,y\r\n\"\",z".utf8),
                                                  dialect: .csv, source: "t.csv")
        XCTAssertEqual(table.header, ["text", "label"])
        XCTAssertEqual(texts(table), [["  padded ", "x"], ["", "y"], ["", "z"]])
        XCTAssertEqual(table.rows.map(\.line), [2, 3, 4])
    }

    func testCSVCRLFInsideQuotedFieldIsKeptAndCountedAsOneLine() throws {
        let table = try csv("a,b\r\n\"x\r\ny\",1\r\nz,2\r\n")
        XCTAssertEqual(texts(table), [["x\r\ny", "1"], ["z", "2"]])
        XCTAssertEqual(table.rows.map(\.line), [2, 4])
    }

    func testCSVQuoteInsideUnquotedFieldIsLiteral() throws {
        XCTAssertEqual(texts(try csv("text,label\na 5\" screen,1\n")), [["a 5\" screen", "1"]])
    }

    func testCSVBlankLinesAreSkippedAndLinesStillCounted() throws {
        let table = try csv("\ntext,label\n\nfirst,1\n\n\nsecond,0")
        XCTAssertEqual(table.header, ["text", "label"])
        XCTAssertEqual(texts(table), [["first", "1"], ["second", "0"]])
        XCTAssertEqual(table.rows.map(\.line), [4, 7])
    }

    func testCSVTrailingCommaMakesAnEmptyLastField() throws {
        XCTAssertEqual(texts(try csv("a,b,c\n1,2,\n")), [["1", "2", ""]])
    }

    func testCSVRaggedRowErrorNamesItsLineAndCounts() {
        assertDatasetError(.format, ["t.csv, line 5", "3 fields", "header has 2"]) {
            try csv("text,label\nok,1\n\"multi\nline\",0\ntoo,many,fields\n")
        }
        assertDatasetError(.format, ["line 3", "1 field,"]) { try csv("text,label\nok,1\nshort\n") }
    }

    func testCSVUnclosedQuoteErrorNamesTheLineWhereTheFieldOpened() {
        assertDatasetError(.format, ["t.csv, line 3", "never closed"]) { try csv("a,b\nx,1\n\"open,2\ny,3\n") }
    }

    func testCSVTextAfterClosingQuoteIsAnError() {
        assertDatasetError(.format, ["line 2", "after the closing quote"]) { try csv("a,b\n\"x\"y,1\n") }
    }

    func testCSVEmptyFileIsAnError() {
        assertDatasetError(.format, ["t.csv is empty"]) { try csv("") }
        assertDatasetError(.format, ["t.csv is empty"]) { try csv("\n\n") }
    }

    func testCSVRowLimitStopsAfterThatManyRowsBeforeLaterErrors() throws {
        let table = try csv("a,b\n1,2\n3,4\nragged\n", limit: 2)
        XCTAssertEqual(texts(table), [["1", "2"], ["3", "4"]])
    }

    func testTSVTreatsQuotesAsTextLikeGLUE() throws {
        // SST-2 style: raw quotes, an unbalanced quote, a quoted-looking field.
        let table = try tsv("sentence\tlabel\n\" a movie \" that works \t1\nit 's \" bad\t0\n\"x\"\"y\"\t1\n")
        XCTAssertEqual(texts(table), [["\" a movie \" that works ", "1"], ["it 's \" bad", "0"], ["\"x\"\"y\"", "1"]])
    }

    func testTSVRaggedRowErrorMentionsTabs() {
        assertDatasetError(.format, ["t.tsv, line 3", "3 fields", "tab"]) { try tsv("a\tb\n1\t2\n1\t2\t3\n") }
    }

    func testInvalidUTF8ErrorNamesTheLineAndUTF16IsRefused() {
        assertDatasetError(.format, ["t.csv, line 3", "UTF-8"]) {
            try DelimitedTextParser.parse(Array("a,b\n1,2\n".utf8) + [0x66, 0xFF, 0x2C, 0x31, 0x0A],
                                          dialect: .csv, source: "t.csv")
        }
        assertDatasetError(.format, ["UTF-16"]) {
            try DelimitedTextParser.parse([0xFF, 0xFE, 0x61, 0x00], dialect: .csv, source: "t.csv")
        }
    }

    func testMultiByteTextSurvives() throws {
        XCTAssertEqual(texts(try csv("text,label\n\"café, naïve 😀\",1\n")), [["café, naïve 😀", "1"]])
    }
}
