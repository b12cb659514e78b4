import Display
import Foundation
import TestSupport
import XCTest
@testable import CellLanguage
@testable import TextDatasets

/// `check()` as a command: its table lists the first lines then "and N more"; `load(dataset:)`
/// ends with a one-line summary when there is a finding, and says nothing on a clean file; the
/// model's tokenizer gives exact token counts.
final class DataCheckCommandTests: XCTestCase {
    private let sink = RecordingSink()

    private func run(_ engine: Engine, _ code: String, file: StaticString = #filePath, line: UInt = #line) -> CellOutcome {
        let outcome = engine.execute(code, output: sink)
        if let error = outcome.error { XCTFail("cell failed: \(error)", file: file, line: line) }
        return outcome
    }

    func testCheckListsTheFirstLinesAndLoadSummarisesTheFindings() throws {
        let directory = try makeTemporaryDirectory("bert-session")
        var lines = ["text,label"]
        for i in 0..<24 { lines.append(i % 2 == 0 ? "the film was very good .,positive" : "the plot is really bad number \(i) !,negative") }
        let path = try TinyModelFixture.writeFile(lines.joined(separator: "\n") + "\n", named: "dups.csv", in: directory).path
        let engine = Engine()
        let loaded = run(engine, "load(dataset: \"\(path)\", validation: 0)")
        let summary = loaded.value?.plainText ?? ""
        XCTAssertTrue(summary.contains("check() finds 11 duplicate rows; run check() for the lines"), summary)
        XCTAssertTrue(loaded.value?.data["text/html"]?.stringValue?.contains("check() finds") ?? false)

        let checked = run(engine, "check()")
        let text = checked.value?.plainText ?? ""
        // The 12 copies are one group: its first five lines, then how many rows it has.
        XCTAssertTrue(text.contains("exact duplicates within a split"), text)
        XCTAssertTrue(text.contains("2 = 4 = 6 = 8 = 10 = … (12 rows)"), text)
        let json = try XCTUnwrap(checked.value?.data.values.first { $0.objectValue != nil })
        let finding = try XCTUnwrap(json["findings"]?.arrayValue?.first)
        XCTAssertEqual(finding["kind"], "duplicate")
        XCTAssertEqual(finding["count"], 11)
        XCTAssertEqual(finding["groups"]?.arrayValue?.first?.arrayValue?.map { $0["line"]?.intValue ?? 0 }, Array(stride(from: 2, through: 24, by: 2)))
        XCTAssertEqual(json["token_counts"], "lower_bound")
    }

    func testSingleLineFindingsShowFiveLinesThenHowManyMore() throws {
        let directory = try makeTemporaryDirectory("bert-session")
        var lines = ["text,label"]
        for i in 0..<30 { lines.append(i < 8 ? "\" \",0" : "text number \(i),\(i % 2)") }
        let path = try TinyModelFixture.writeFile(lines.joined(separator: "\n") + "\n", named: "blank.csv", in: directory).path
        let session = Session()
        try session.load(dataset: path, validation: 0)
        let report = try session.check()
        let empty = try XCTUnwrap(report.check.findings.first { $0.kind == .emptyText })
        XCTAssertEqual(empty.count, 8)
        XCTAssertEqual(DataCheckReport.whereText(empty), "lines 2, 3, 4, 5, 6 and 3 more")
        XCTAssertTrue(report.bundle.plainText?.contains("lines 2, 3, 4, 5, 6 and 3 more") ?? false)
        XCTAssertEqual(report.bundle.plainText?.components(separatedBy: "\n").first?.contains("blank.csv: 2 findings") ?? false, true,
                       "8 blank texts are also duplicates of each other: " + (report.bundle.plainText ?? ""))
    }

    func testACleanDatasetGetsNoSummaryLineAndTheModelsTokenizerCountsExactly() throws {
        let directory = try makeTemporaryDirectory("bert-session")
        let modelDirectory = try TinyModelFixture.write(to: directory.appendingPathComponent("tiny"))
        let path = try TinyModelFixture.writeFile(TinyModelFixture.sentimentCSV(count: 12),
                                                  named: "clean.csv", in: directory).path
        let engine = Engine()
        let loaded = run(engine, "load(dataset: \"\(path)\", validation: 0, limit: 10)")
        XCTAssertFalse(loaded.value?.plainText?.contains("check()") ?? true, loaded.value?.plainText ?? "")
        let clean = run(engine, "check()")
        XCTAssertTrue(clean.value?.plainText?.contains("no problems found in 10 examples") ?? false, clean.value?.plainText ?? "")

        run(engine, "load(model: \"\(modelDirectory.path)\", labels: 2)")
        // "the film was very great ." is 8 wordpieces with [CLS] and [SEP]: over 7, not over 8.
        let tight = try engine.session.check(maxLength: 7)
        let truncated = try XCTUnwrap(tight.check.findings.first { $0.kind == .truncated })
        XCTAssertTrue(tight.check.exactTokenCounts)
        XCTAssertEqual(truncated.count, 10)
        XCTAssertEqual(try engine.session.check(maxLength: 8).check.findings.map(\.kind), [])
        XCTAssertEqual(engine.execute("check(maxLength: 1)", output: sink).error?.ename, "ArgumentError")
        run(engine, "reset()")
        XCTAssertEqual(engine.execute("check()", output: sink).error?.ename, "StateError")
    }
}
