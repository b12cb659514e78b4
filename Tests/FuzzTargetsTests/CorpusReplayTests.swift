import Foundation
import FuzzTargets
import XCTest

/// The committed seed corpus (`Corpus/<target>/`, also what `make fuzz` starts from), replayed
/// through each fuzz target in a plain build: every input is accepted or rejected with a thrown
/// error as listed here, and none crashes. A crash that libFuzzer finds is fixed and its input
/// added to the corpus, so it is replayed here from then on.
final class CorpusReplayTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    /// The seeds each target must reject; every other seed must be accepted.
    static let rejected: [FuzzTarget: Set<String>] = [
        .wire: ["missing-delimiter", "bad-json", "header-without-msg-type", "lone-surrogate"],
        // invisible-characters: a leading BOM may become acceptable, the zero-width space not.
        .cell: ["unclosed-call", "bad-tokens", "help-and-completion", "invisible-characters"],
        .safetensors: ["truncated", "huge-header-length", "overlap"],
        .pytorch: ["calls-os-system", "truncated", "deflated"],
        .csv: ["ragged.csv", "unterminated-quote.csv"],
        .jsonl: ["duplicate-key.jsonl", "cut-short.jsonl"],
        .config: ["nan.json", "string-size.json", "not-an-object.json"],
    ]

    func seeds(_ target: FuzzTarget) throws -> [URL] {
        let directory = Self.corpus.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEverySeedIsAcceptedOrRejectedAsListedWithoutACrash() throws {
        for target in FuzzTarget.allCases {
            let files = try seeds(target)
            XCTAssertGreaterThanOrEqual(files.count, 3, "\(target): a few seeds each")
            let mustReject = Self.rejected[target] ?? []
            XCTAssertTrue(mustReject.isSubset(of: Set(files.map(\.lastPathComponent))), "\(target): listed seeds exist")
            for file in files {
                let outcome = target.run([UInt8](try Data(contentsOf: file)))
                let name = file.lastPathComponent
                if mustReject.contains(name) || name.hasPrefix("rejected-") {
                    guard case .rejected = outcome else {
                        XCTFail("\(target)/\(name): accepted, expected a thrown error")
                        continue
                    }
                } else {
                    XCTAssertEqual(outcome, .accepted, "\(target)/\(name)")
                }
            }
        }
    }

    func testTheCorpusStaysSmall() throws {
        for target in FuzzTarget.allCases {
            for file in try seeds(target) {
                let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
                XCTAssertLessThanOrEqual(size, 16_384, "\(target)/\(file.lastPathComponent) is \(size) bytes")
            }
        }
    }
}
