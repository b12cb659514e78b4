import Foundation
import XCTest
@testable import TextDatasets

/// The streaming reader and writer of `predict(file:)`: the same rows and line numbers as the
/// whole-file parsers whatever the chunk size, unreadable rows reported with their lines and
/// skipped over, and output that the loaders read back.
final class TableStreamTests: XCTestCase {
    private func items(_ path: String, chunkSize: Int = 1 << 20) throws -> [TableStreamReader.Item] {
        let reader = try TableStreamReader(path: path, chunkSize: chunkSize)
        var items: [TableStreamReader.Item] = []
        while let item = try reader.next() { items.append(item) }
        return items
    }

    private func rows(_ items: [TableStreamReader.Item]) -> [TableStreamReader.Row] {
        items.compactMap { if case .row(let row) = $0 { row } else { nil } }
    }

    /// Quoted commas, doubled quotes, newlines and CRLF inside fields, blank lines, a BOM.
    private let trickyCSV = "\u{FEFF}text,label\r\n\"a, b\",1\r\n\r\n\"say \"\"hi\"\"\",0\n\"two\nlines\",1\r\n\"x\r\ny\",0\nplain \"quote,1\n  padded ,0\n,1"

    func testCSVRowsAndLinesMatchTheWholeFileParserAtEveryChunkSize() throws {
        let files = try TemporaryFiles()
        let path = try files.write("t.csv", trickyCSV)
        let table = try DelimitedTextParser.parse(Array(trickyCSV.utf8), dialect: .csv, source: path)
        let expected = table.rows.map { row in
            TableStreamReader.Row(line: row.line, cells: row.fields.map { if case .text(let t) = $0 { .text(t) } else { .missing } })
        }
        XCTAssertEqual(expected.count, 7)
        for chunkSize in [1, 2, 3, 7, 64, 1 << 20] {
            let reader = try TableStreamReader(path: path, chunkSize: chunkSize)
            XCTAssertEqual(reader.header, ["text", "label"], "chunk \(chunkSize)")
            var streamed: [TableStreamReader.Item] = []
            while let item = try reader.next() { streamed.append(item) }
            XCTAssertEqual(rows(streamed), expected, "chunk size \(chunkSize)")
            XCTAssertEqual(try TableStreamReader(path: path, chunkSize: chunkSize).countRemainingRows(), 7)
        }
    }

    func testTSVRowsMatchTheWholeFileParser() throws {
        let text = "sentence\tlabel\nit 's \"quoted\" , fine\t1\n\nsecond\t0\r\nthird\t1"
        let files = try TemporaryFiles()
        let path = try files.write("t.tsv", text)
        let table = try DelimitedTextParser.parse(Array(text.utf8), dialect: .tsv, source: path)
        for chunkSize in [1, 5, 1 << 20] {
            let streamed = rows(try items(path, chunkSize: chunkSize))
            XCTAssertEqual(streamed.map(\.line), table.rows.map(\.line))
            XCTAssertEqual(streamed.map { $0.cells }, table.rows.map { $0.fields.map { if case .text(let t) = $0 { .text(t) } else { .missing } } })
        }
    }

    func testUnreadableRowsAreReportedWithTheirLinesAndReadingGoesOn() throws {
        let files = try TemporaryFiles()
        var bytes = Array("text,label\ngood one,1\ntoo,many,fields\n\"closed\" junk,0\n".utf8)
        bytes += [0x62, 0xFF, 0x2C, 0x31, 0x0A]   // "b\xFF,1\n": invalid UTF-8
        bytes += Array("last,0\n".utf8)
        let path = try files.write("bad.csv", bytes: bytes)
        for chunkSize in [3, 1 << 20] {
            let all = try items(path, chunkSize: chunkSize)
            XCTAssertEqual(all.count, 5)
            guard all.count == 5 else { return }
            XCTAssertEqual(all[0], .row(.init(line: 2, cells: [.text("good one"), .text("1")])))
            guard case .unreadable(3, let fields) = all[1] else { return XCTFail("\(all[1])") }
            XCTAssertTrue(fields.contains("3 fields, but the header has 2"), fields)
            guard case .unreadable(4, let quote) = all[2] else { return XCTFail("\(all[2])") }
            XCTAssertTrue(quote.contains("after the closing quote"), quote)
            XCTAssertEqual(all[3], .unreadable(line: 5, reason: "not valid UTF-8"))
            XCTAssertEqual(all[4], .row(.init(line: 6, cells: [.text("last"), .text("0")])))
        }
    }

    func testAnUnclosedQuoteEmptyFilesAndJSONArraysThrow() throws {
        let files = try TemporaryFiles()
        assertDatasetError(.format, ["line 3", "never closed"]) {
            try items(try files.write("open.csv", "text,label\nfine,1\n\"never closed,0\nmore,1\n"))
        }
        assertDatasetError(.format, ["is empty"]) { try TableStreamReader(path: try files.write("empty.csv", "")) }
        assertDatasetError(.format, ["is empty"]) { try TableStreamReader(path: try files.write("blank.jsonl", "\n\n")) }
        assertDatasetError(.format, ["JSON array", "JSON Lines"]) {
            try TableStreamReader(path: try files.write("array.json", "[{\"text\": \"a\"}]"))
        }
        assertDatasetError(.file, ["no such file"]) { try TableStreamReader(path: files.directory.appendingPathComponent("none.csv").path) }
        let long = try files.write("long.csv", "text\n\"" + String(repeating: "x", count: 3 << 20) + "\n")
        assertDatasetError(.format, ["line 2", "longer than 1 MB", "never closed"]) {
            try TableStreamReader(path: long, chunkSize: 1 << 16, maxRowBytes: 1 << 20).next()
        }
    }

    func testJSONLinesKeepValuesAsWrittenGrowTheHeaderAndReportBadLines() throws {
        let files = try TemporaryFiles()
        let text = """
            {"text": "fine \\"film\\"", "label": 1, "meta": {"id": [1, 2.50]}}
            not json
            {"label": 0, "text": "second", "extra": null, "flag": true}

            {"text": "third"} trailing
            {"text": "fourth", "label": 1}
            """
        let path = try files.write("t.jsonl", text)
        for chunkSize in [4, 1 << 20] {
            let reader = try TableStreamReader(path: path, chunkSize: chunkSize)
            XCTAssertEqual(reader.header, ["text", "label", "meta"], "the first line's keys")
            var all: [TableStreamReader.Item] = []
            while let item = try reader.next() { all.append(item) }
            XCTAssertEqual(reader.header, ["text", "label", "meta", "extra", "flag"])
            XCTAssertEqual(all.count, 5)
            guard all.count == 5 else { return }
            XCTAssertEqual(all[0], .row(.init(line: 1, cells: [.text("fine \"film\""), .number("1"), .json("{\"id\": [1, 2.50]}")])))
            guard case .unreadable(2, _) = all[1] else { return XCTFail("\(all[1])") }
            XCTAssertEqual(all[2], .row(.init(line: 3, cells: [.text("second"), .number("0"), .missing, .json("null"), .json("true")])))
            guard case .unreadable(5, let reason) = all[3] else { return XCTFail("\(all[3])") }
            XCTAssertTrue(reason.contains("more text follows"), reason)
            XCTAssertFalse(reason.contains("line 1"), "the reader's own line number is dropped: \(reason)")
            XCTAssertEqual(all[4], .row(.init(line: 6, cells: [.text("fourth"), .number("1"), .missing, .missing, .missing])))
        }
    }

    func testWrittenCSVTSVAndJSONLinesReadBackTheSameValues() throws {
        let files = try TemporaryFiles()
        let values: [[TableCell]] = [
            [.text("a, \"quoted\"\nline"), .number("0.25"), .list(["x", "y"])],
            [.text("  spaced "), .json("true"), .missing],
        ]
        let csvPath = files.directory.appendingPathComponent("out.csv").path
        let writer = try TableStreamWriter(path: csvPath, format: .csv, columns: ["text", "p", "labels"])
        for row in values { try writer.write(row) }
        try writer.close()
        let table = try DelimitedTextParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: csvPath))), dialect: .csv, source: csvPath)
        XCTAssertEqual(table.header, ["text", "p", "labels"])
        XCTAssertEqual(table.rows.map(\.fields), [[.text("a, \"quoted\"\nline"), .text("0.25"), .text("x|y")],
                                                  [.text("  spaced "), .text("true"), .text("")]])

        let tsvPath = files.directory.appendingPathComponent("out.tsv").path
        let tsv = try TableStreamWriter(path: tsvPath, format: .tsv, columns: ["text", "p", "labels"])
        for row in values { try tsv.write(row) }
        try tsv.close()
        let tsvTable = try DelimitedTextParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: tsvPath))), dialect: .tsv, source: tsvPath)
        XCTAssertEqual(tsvTable.rows[0].fields[0], .text("a, \"quoted\" line"), "TSV cannot hold a newline: it becomes a space")

        let jsonPath = files.directory.appendingPathComponent("out.jsonl").path
        let json = try TableStreamWriter(path: jsonPath, format: .jsonl, columns: ["text", "p", "labels"])
        for row in values { try json.write(row) }
        try json.close()
        let jsonTable = try JSONLinesParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: jsonPath))), source: jsonPath)
        XCTAssertEqual(jsonTable.rows.map(\.fields), [[.text("a, \"quoted\"\nline"), .text("0.25"), .list(["x", "y"])],
                                                      [.text("  spaced "), .text("true"), .missing]])
    }
}
