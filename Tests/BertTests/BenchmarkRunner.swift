import Foundation
import TestSupport
import XCTest
@testable import Bert

/// Not a test: prints MiniLM throughput when BERT_KERNEL_BENCH=1 (release build recommended).
///     BERT_KERNEL_BENCH=1 swift test -c release --filter BenchmarkRunner
final class BenchmarkRunner: XCTestCase {
    func testPrintMiniLMThroughputWhenAsked() throws {
        guard ProcessInfo.processInfo.environment["BERT_KERNEL_BENCH"] == "1" else {
            throw XCTSkip("set BERT_KERNEL_BENCH=1 to measure throughput")
        }
        let directory = try FixturePaths.requireMiniLM()
        let network = try BertCheckpoint.load(from: directory, heads: .sequenceClassification, labels: ["a", "b"]).network
        let lengths = ProcessInfo.processInfo.environment["BERT_KERNEL_BENCH_T"].map { $0.split(separator: ",").compactMap { Int($0) } } ?? [64, 128]
        for result in try BertBenchmark.run(network: network, sequenceLengths: lengths, progress: { print($0) }) {
            print(result)
        }
    }
}
