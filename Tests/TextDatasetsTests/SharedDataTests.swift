import Foundation
import XCTest
@testable import TextDatasets

/// Loads the real GLUE SST-2 and AG News files when `../shared/data` (or
/// `$BERT_KERNEL_SHARED_DATA`) is present; skipped otherwise. No timing assertions: the load
/// time is printed for the record.
final class SharedDataTests: XCTestCase {
    private func sharedData() throws -> String {
        let candidates = [ProcessInfo.processInfo.environment["BERT_KERNEL_SHARED_DATA"],
                          "../shared/data", "../../shared/data", "/work/shared/data"].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/sst2/train.tsv") }) else {
            throw XCTSkip("shared datasets not found (looked in \(candidates)); set BERT_KERNEL_SHARED_DATA to run this check")
        }
        return found
    }

    func testSST2TrainAndGLUEValidationLoadWithRawQuotesIntact() throws {
        let root = try sharedData()
        let start = Date()
        let data = try TextDataset.load(dataset: root + "/sst2/train.tsv", text: "sentence", validation: 0.1,
                                        test: root + "/sst2/test.tsv")
        print("SST-2 train + test loaded in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
        XCTAssertEqual(data.labelMap.names, ["0", "1"])
        // Line counts of the files minus their headers (wc -l: 60615 and 873).
        XCTAssertEqual(data.train.count + data.validation.count, 60_614)
        XCTAssertEqual(data.test.count, 872)
        XCTAssertEqual(data.validation.count, 6061)
        XCTAssertEqual(data.train.first?.text, "when are bears bears and ")
    }

    func testAGNewsLoadsFourTopicsWithQuotesKeptAsText() throws {
        let root = try sharedData()
        let data = try TextDataset.load(dataset: root + "/agnews/train.tsv", validation: 0, test: root + "/agnews/test.tsv")
        XCTAssertEqual(data.labelMap.count, 4)
        XCTAssertEqual(data.train.count, 10_001)
        XCTAssertEqual(data.test.count, 7_600)
        XCTAssertTrue(data.train.contains { $0.text.contains("\"") })
        print(data.summary)
    }
}
