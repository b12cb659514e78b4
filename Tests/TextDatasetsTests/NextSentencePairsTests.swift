import XCTest
import Numerics
@testable import TextDatasets

final class NextSentencePairsTests: XCTestCase {
    let cls = 101, sep = 102

    /// `count` documents of 1-8 sentences of 2-14 distinct tokens each; token ids encode
    /// (document, sentence, position) so tests can trace every token to its source.
    func documents(_ count: Int, seed: UInt64) -> [[[Int]]] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { d in
            (0..<(1 + rng.nextInt(below: 8))).map { s in
                (0..<(2 + rng.nextInt(below: 13))).map { t in 1_000_000 + d * 10_000 + s * 100 + t }
            }
        }
    }

    func concatenation(_ docs: [[[Int]]], _ source: NextSentenceExample.Source) -> [Int] {
        source.sentences.flatMap { docs[source.document][$0] }
    }

    func isContiguousSubsequence(_ part: [Int], of whole: [Int]) -> Bool {
        guard !part.isEmpty, part.count <= whole.count else { return false }
        return (0...(whole.count - part.count)).contains { Array(whole[$0..<$0 + part.count]) == part }
    }

    func testPairsAreWellFormedAndTraceBackToTheirSources() throws {
        let docs = documents(120, seed: 1)
        let builder = try NextSentencePairs(maxLength: 32, clsTokenID: cls, sepTokenID: sep)
        var rng = SeededGenerator(seed: 2)
        let examples = try builder.examples(documents: docs, using: &rng)
        XCTAssertGreaterThan(examples.count, 200)
        for example in examples {
            XCTAssertLessThanOrEqual(example.inputIDs.count, 32)
            XCTAssertFalse(example.tokensA.isEmpty)
            XCTAssertFalse(example.tokensB.isEmpty)
            XCTAssertEqual(example.inputIDs, [cls] + example.tokensA + [sep] + example.tokensB + [sep])
            XCTAssertEqual(example.tokenTypeIDs, Array(repeating: 0, count: example.tokensA.count + 2)
                           + Array(repeating: 1, count: example.tokensB.count + 1))
            let fullA = concatenation(docs, example.sourceA), fullB = concatenation(docs, example.sourceB)
            XCTAssertEqual(example.truncatedTokenCount, fullA.count + fullB.count - example.tokensA.count - example.tokensB.count)
            if example.truncatedTokenCount == 0 {
                XCTAssertEqual(example.tokensA, fullA)
                XCTAssertEqual(example.tokensB, fullB)
            } else {
                XCTAssertTrue(isContiguousSubsequence(example.tokensA, of: fullA))
                XCTAssertTrue(isContiguousSubsequence(example.tokensB, of: fullB))
            }
            if example.isNext {
                XCTAssertEqual(example.label, 0)
                XCTAssertEqual(example.sourceA.document, example.sourceB.document)
                XCTAssertEqual(example.sourceB.sentences.lowerBound, example.sourceA.sentences.upperBound, "B follows A")
                XCTAssertFalse(example.forcedNotNext)
            } else {
                XCTAssertEqual(example.label, 1)
                XCTAssertNotEqual(example.sourceA.document, example.sourceB.document)
            }
        }
    }

    func testNotNextIsChosenHalfTheTimeWithin5SigmaWhenTheCoinIsTossed() throws {
        let docs = documents(400, seed: 3)
        let builder = try NextSentencePairs(maxLength: 40, clsTokenID: cls, sepTokenID: sep)
        var rng = SeededGenerator(seed: 4)
        var tossed = 0, notNext = 0
        for _ in 0..<5 {
            for example in try builder.examples(documents: docs, using: &rng) where !example.forcedNotNext {
                tossed += 1
                if !example.isNext { notNext += 1 }
            }
        }
        XCTAssertGreaterThan(tossed, 2000)
        let sigma = (Double(tossed) * 0.25).squareRoot()
        XCTAssertLessThanOrEqual(abs(Double(notNext) - Double(tossed) / 2), 5 * sigma, "\(notNext) NotNext of \(tossed)")
    }

    func testForcedNotNextHappensOnlyForSingleSentenceChunks() throws {
        // Every document is one sentence: no IsNext is possible, all are forced NotNext.
        let docs = [[[1, 2, 3]], [[4, 5]], [[6, 7, 8, 9]]]
        var rng = SeededGenerator(seed: 5)
        let examples = try NextSentencePairs(maxLength: 64, clsTokenID: cls, sepTokenID: sep).examples(documents: docs, using: &rng)
        XCTAssertEqual(examples.count, 3)
        XCTAssertTrue(examples.allSatisfy { $0.forcedNotNext && !$0.isNext })
    }

    func testTruncationKeepsThePairWithinMaxLength() throws {
        // Two long sentences per document: every pair must be cut to maxLength - 3 tokens.
        let docs = (0..<10).map { d in (0..<2).map { s in Array((d * 1000 + s * 100)..<(d * 1000 + s * 100 + 60)) } }
        var rng = SeededGenerator(seed: 6)
        let examples = try NextSentencePairs(maxLength: 20, clsTokenID: cls, sepTokenID: sep).examples(documents: docs, using: &rng)
        XCTAssertFalse(examples.isEmpty)
        for example in examples {
            XCTAssertEqual(example.inputIDs.count, 20)
            XCTAssertGreaterThan(example.truncatedTokenCount, 0)
        }
    }

    func testSentenceLongerThanAPairCanHoldIsReportedWithItsLine() throws {
        let corpus = try PretrainingCorpus(text: "A.\nB.\n\nC.\nD.\n", name: "c.txt")
        let builder = try NextSentencePairs(maxLength: 8, clsTokenID: cls, sepTokenID: sep)
        XCTAssertNoThrow(try builder.checkSentenceLengths(documents: [[[1], [2, 3, 4, 5, 6]], [[7], [8]]], corpus: corpus))
        assertDatasetError(.argument, ["c.txt, line 5", "6 tokens", "at most 5", "raise maxLength"]) {
            try builder.checkSentenceLengths(documents: [[[1], [2]], [[3], [4, 5, 6, 7, 8, 9]]], corpus: corpus)
        }
    }

    func testSameSeedSameExamples() throws {
        let docs = documents(30, seed: 7)
        let builder = try NextSentencePairs(maxLength: 48, clsTokenID: cls, sepTokenID: sep)
        var a = SeededGenerator(seed: 8), b = SeededGenerator(seed: 8)
        XCTAssertEqual(try builder.examples(documents: docs, using: &a), try builder.examples(documents: docs, using: &b))
    }

    func testOneDocumentOrATinyMaxLengthIsAClearError() throws {
        var rng = SeededGenerator(seed: 0)
        let builder = try NextSentencePairs(maxLength: 16, clsTokenID: cls, sepTokenID: sep)
        assertDatasetError(.argument, ["at least two documents", "got 1"]) {
            try builder.examples(documents: [[[1, 2], [3, 4]], [[]], []], using: &rng)
        }
        assertDatasetError(.argument, ["maxLength must be at least 5"]) { try NextSentencePairs(maxLength: 4, clsTokenID: cls, sepTokenID: sep) }
        assertDatasetError(.argument, ["notNextProbability"]) {
            try NextSentencePairs(maxLength: 16, clsTokenID: cls, sepTokenID: sep, notNextProbability: 2)
        }
    }
}
