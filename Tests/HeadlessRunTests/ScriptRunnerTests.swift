import Display
import Foundation
@testable import HeadlessRun
import TestSupport
import XCTest

final class ScriptRunnerTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("cellscript")
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testBertScriptRunsCellByCellInOneSession() throws {
        let file = try write("demo.bert", "let x = 1\nprint(\"one\")\n// %%\nprint(x)\nx\n// %% second\n[x, 2]\n")
        let sink = RecordingSink()
        XCTAssertEqual(ScriptRunner.run(file: file, output: sink), 0)
        XCTAssertEqual(sink.stdout, "one\n1\n1\n[1, 2]\n")
    }

    func testBertScriptStopsAtTheFirstErrorWithItsTraceback() throws {
        let file = try write("bad.bert", "print(\"a\")\n// %%\nprint(b)\n// %%\nprint(\"never\")\n")
        let sink = RecordingSink()
        XCTAssertEqual(ScriptRunner.run(file: file, output: sink), 1)
        XCTAssertEqual(sink.stdout, "a\n")
        XCTAssertEqual(sink.stderr, """
            Error in cell 2 of \(file):
            line 1, column 7:
                print(b)
                      ^
            NameError: unknown name 'b'

            """)
    }

    func testNotebookCodeCellsRunAndMarkdownCellsAreSkipped() throws {
        let notebook: JSON = [
            "nbformat": 4, "nbformat_minor": 5, "metadata": [:],
            "cells": [
                ["cell_type": "markdown", "source": "# title", "metadata": [:]],
                ["cell_type": "code", "source": ["let greeting = \"hello\"\n", "print(greeting)"], "metadata": [:], "outputs": []],
                ["cell_type": "code", "source": "greeting", "metadata": [:], "outputs": []],
            ],
        ]
        let file = try write("nb.ipynb", notebook.serialized())
        let sink = RecordingSink()
        XCTAssertEqual(ScriptRunner.run(file: file, output: sink), 0)
        XCTAssertEqual(sink.stdout, "hello\n\"hello\"\n")
    }

    func testMissingAndMalformedFilesAreReported() throws {
        let sink = RecordingSink()
        XCTAssertEqual(ScriptRunner.run(file: directory.appendingPathComponent("none.bert").path, output: sink), 2)
        XCTAssertTrue(sink.stderr.hasPrefix("FileError: cannot read"), sink.stderr)
        let broken = try write("broken.ipynb", "{\"cells\": 3}")
        XCTAssertEqual(ScriptRunner.run(file: broken, output: sink), 2)
        XCTAssertTrue(sink.stderr.contains("FormatError: \(broken) is not a notebook: no \"cells\" list"), sink.stderr)
    }
}
