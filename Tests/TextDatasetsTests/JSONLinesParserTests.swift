import XCTest
@testable import TextDatasets

final class JSONLinesParserTests: XCTestCase {
    private func parse(_ text: String) throws -> RawTable {
        try JSONLinesParser.parse(Array(text.utf8), source: "t.jsonl")
    }

    func testObjectsBecomeRowsWithUnionHeaderAndNumbersKeptAsLiterals() throws {
        let table = try parse("{\"text\": \"a\", \"label\": 1}\n\n{\"label\": 2.50, \"text\": \"b\", \"extra\": null}\n{\"text\": \"c\"}\n")
        XCTAssertEqual(table.header, ["text", "label", "extra"])
        XCTAssertEqual(table.rows.map(\.fields), [
            [.text("a"), .text("1"), .missing],
            [.text("b"), .text("2.50"), .missing],
            [.text("c"), .missing, .missing],
        ])
        XCTAssertEqual(table.rows.map(\.line), [1, 3, 4])
    }

    func testStringEscapesDecodeIncludingSurrogatePairs() throws {
        let table = try parse(#"{"text": "q\"b\\s\/ \n\t \u00e9 \ud83d\ude00", "label": true}"#)
        XCTAssertEqual(table.rows[0].fields, [.text("q\"b\\s/ \n\t é 😀"), .text("true")])
    }

    func testArraysOfScalarsAreListsAndNestedValuesAreUnsupported() throws {
        let table = try parse("{\"label\": [\"a\", 2], \"o\": {\"x\": 1}, \"n\": [[1]]}")
        XCTAssertEqual(table.rows[0].fields, [.list(["a", "2"]), .unsupported(kind: "an object"), .unsupported(kind: "a nested array")])
    }

    func testALabelNested400000DeepIsAFormatErrorNamingTheLineNotACrash() throws {
        // Issue 13: `"[" * 400000` recursed until the stack overflowed (SIGSEGV).
        let deep = "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": " + String(repeating: "[", count: 400_000) + "}\n"
        assertDatasetError(.format, ["t.jsonl, line 2", "nested more than 128 deep"]) { try parse(deep) }
        // The same through a whole-file JSON array, and objects count as levels too.
        let objects = "[" + String(repeating: "{\"a\": ", count: 200) + "1" + String(repeating: "}", count: 200) + "]"
        assertDatasetError(.format, ["line 1", "nested more than 128 deep"]) { try parse(objects) }
        // Nesting up to the limit still reads (as an unsupported cell).
        let allowed = "{\"label\": " + String(repeating: "[", count: 127) + String(repeating: "]", count: 127) + "}"
        XCTAssertEqual(try parse(allowed).rows[0].fields, [.unsupported(kind: "a nested array")])
    }

    func testJSONArrayFileIsAccepted() throws {
        let table = try parse("[\n  {\"text\": \"a\", \"label\": \"x\"},\n  {\"text\": \"b\", \"label\": \"y\"}\n]\n")
        XCTAssertEqual(table.rows.map(\.line), [2, 3])
        XCTAssertEqual(table.rows[1].fields, [.text("b"), .text("y")])
    }

    func testErrorsNameTheLine() {
        assertDatasetError(.format, ["t.jsonl, line 2", "object is never closed"]) { try parse("{\"a\": 1}\n{\"a\": 1\n") }
        assertDatasetError(.format, ["t.jsonl, line 1", "expected ',' or '}'"]) { try parse("{\"a\": 1 \"b\": 2}\n") }
        assertDatasetError(.format, ["line 2", "array is never closed"]) { try parse("\n[{\"a\": 1},\n") }
        assertDatasetError(.format, ["line 1", "one JSON object per line"]) { try parse("{\"a\": 1} {\"a\": 2}\n") }
        assertDatasetError(.format, ["line 3", "expected a JSON object", "a number"]) { try parse("{\"a\": 1}\n\n42\n") }
        assertDatasetError(.format, ["line 1", "appears twice"]) { try parse("{\"a\": 1, \"a\": 2}") }
        assertDatasetError(.format, ["line 1", "never closed"]) { try parse("{\"a\": \"open") }
        assertDatasetError(.format, ["line 1", "must be escaped"]) { try parse("{\"a\": \"tab\there\"}") }
        assertDatasetError(.format, ["line 1", "leading zero"]) { try parse("{\"a\": 012}") }
        assertDatasetError(.format, ["line 1", "invalid literal"]) { try parse("{\"a\": tru}") }
        assertDatasetError(.format, ["line 1", "unpaired surrogate"]) { try parse(#"{"a": "\ud83d x"}"#) }
        assertDatasetError(.format, ["is empty"]) { try parse("\n  \n") }
    }
}
