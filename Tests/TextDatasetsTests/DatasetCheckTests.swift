import Foundation
import XCTest
@testable import TextDatasets

/// `check()`'s findings: each on a file built to contain it, at the lines of the source file,
/// and none on a clean file.
final class DatasetCheckTests: XCTestCase {
    typealias Place = DatasetCheck.Place

    private static func filler(_ count: Int) -> [String] {
        (0..<count).flatMap { i in
            ["review \(i) was a delight from start to finish,positive", "review \(i) was a waste of an evening,negative"]
        }
    }

    /// Line 1 is the header; each planted problem's line is in the comment.
    private static let planted = [
        "text,label",
        "a fine film,positive",                       // 2: duplicated by 4, near-duplicated by 5
        "\"   \",negative",                           // 3: whitespace only
        "a fine film,positive",                       // 4
        "A  Fine   film,positive",                    // 5
        "dull plot,negative",                         // 6: also in the test file (leakage), conflicts with 7
        "dull plot,positive",                         // 7
        "great acting,Positive",                      // 8: 'Positive' for 'positive'
        "bytes lost \u{FFFD} here,negative",          // 9: U+FFFD
        String(repeating: "word ", count: 200) + ",negative",   // 10: 202 tokens at least
        "meh,neutral",                                // 11: 'neutral' has two examples
        "so so,neutral",                              // 12
        "superb music,negative",                      // 13: near-duplicated in the test file
    ] + filler(20)

    private static let plantedTest = [
        "text,label",
        "dull plot,negative",                         // test 2: exact leakage from lines 6 and 7
        "Superb   MUSIC,negative",                    // test 3: leakage after normalisation (line 13)
        "a test review of its own,positive",          // test 4
    ]

    private func load(_ lines: [String], test: [String]? = nil) throws -> (TextDataset, TemporaryFiles) {
        let files = try TemporaryFiles()
        let path = try files.write("data.csv", lines.joined(separator: "\n") + "\n")
        let testPath = try test.map { try files.write("test.csv", $0.joined(separator: "\n") + "\n") }
        return (try TextDataset.load(dataset: path, validation: 0, test: testPath), files)
    }

    private func finding(_ check: DatasetCheck, _ kind: DatasetCheck.Finding.Kind, file: StaticString = #filePath,
                         line: UInt = #line) throws -> DatasetCheck.Finding {
        try XCTUnwrap(check.findings.first { $0.kind == kind }, "no \(kind) finding in \(check.findings.map(\.kind))",
                      file: file, line: line)
    }

    private func train(_ lines: Int...) -> [Place] { lines.map { Place(split: .train, line: $0) } }

    func testEveryPlantedProblemIsFoundAtItsSourceLines() throws {
        let (data, _) = try load(Self.planted, test: Self.plantedTest)
        let check = DatasetCheck(data, maxLength: 128)

        let empty = try finding(check, .emptyText)
        XCTAssertEqual(empty.count, 1)
        XCTAssertEqual(empty.places, train(3))

        let duplicate = try finding(check, .duplicate)
        XCTAssertEqual(duplicate.count, 2, "one extra copy of each of two texts (the same text with two labels counts)")
        XCTAssertEqual(duplicate.groups, [train(2, 4), train(6, 7)])

        let near = try finding(check, .nearDuplicate)
        XCTAssertEqual(near.groups, [train(2, 4, 5)])
        XCTAssertEqual(near.count, 2)

        let leakage = try finding(check, .leakage)
        XCTAssertEqual(leakage.count, 1)
        XCTAssertEqual(leakage.groups, [train(6, 7) + [Place(split: .test, line: 2)]], "every copy of the leaked text")
        XCTAssertEqual(leakage.notes, ["train/test"])

        let nearLeakage = try finding(check, .nearLeakage)
        XCTAssertEqual(nearLeakage.groups, [train(13) + [Place(split: .test, line: 3)]])

        let conflicts = try finding(check, .conflictingLabels)
        XCTAssertEqual(conflicts.count, 1)
        XCTAssertEqual(conflicts.groups, [train(6, 7) + [Place(split: .test, line: 2)]])
        XCTAssertTrue(conflicts.notes[0].contains("'negative'") && conflicts.notes[0].contains("'positive'"), conflicts.notes[0])

        let variants = try finding(check, .labelVariants)
        XCTAssertEqual(variants.count, 1)
        XCTAssertEqual(variants.places, train(8), "the rows of the rarer spelling")
        XCTAssertTrue(variants.notes[0].hasPrefix("'Positive' (1 row) looks like 'positive'"), variants.notes[0])

        let rare = try finding(check, .rareClass)
        XCTAssertEqual(rare.count, 2, "'Positive' (1 example) and 'neutral' (2)")
        XCTAssertEqual(rare.groups, [train(8), train(11, 12)])
        XCTAssertTrue(rare.notes[1].hasPrefix("'neutral': 2 examples"), rare.notes[1])

        let truncated = try finding(check, .truncated)
        XCTAssertEqual(truncated.places, train(10))
        XCTAssertEqual(truncated.notes, ["202 tokens"], "200 words with [CLS] and [SEP]")
        XCTAssertFalse(check.exactTokenCounts)
        XCTAssertTrue(truncated.message.hasPrefix("at least 1 text"), truncated.message)

        let replaced = try finding(check, .replacementCharacter)
        XCTAssertEqual(replaced.places, train(9))

        XCTAssertEqual(Set(check.findings.map(\.kind)), Set(DatasetCheck.Finding.Kind.allCases), "all ten kinds planted")
        XCTAssertNotNil(check.oneLineSummary)
    }

    func testACleanFileHasNoFindings() throws {
        let (data, _) = try load(["text,label"] + Self.filler(20), test: ["text,label", "a held-out review,positive",
                                                                        "another held-out one,negative"])
        let check = DatasetCheck(data, maxLength: 128)
        XCTAssertEqual(check.findings.map(\.kind), [], check.findings.map(\.message).joined(separator: "\n"))
        XCTAssertNil(check.oneLineSummary)
        XCTAssertEqual(check.exampleCount, 42)
    }

    func testDuplicatesAcrossTrainAndValidationAreLeakageNotDuplicates() throws {
        // Two copies of every text: split 50/50 with a seed, some pairs land on both sides.
        let lines = ["text,label"] + Self.filler(10) + Self.filler(10)
        let files = try TemporaryFiles()
        let path = try files.write("twice.csv", lines.joined(separator: "\n") + "\n")
        let data = try TextDataset.load(dataset: path, validation: 0.5)
        let check = DatasetCheck(data)
        let leaked = check.findings.first { $0.kind == .leakage }?.groups ?? []
        let repeated = check.findings.first { $0.kind == .duplicate }?.groups ?? []
        XCTAssertEqual(leaked.count + repeated.count, 20, "every text's two copies are either in one split or in both")
        XCTAssertFalse(leaked.isEmpty)
        for group in leaked {
            XCTAssertEqual(Set(group.map(\.split)), [.train, .validation])
            XCTAssertEqual(group[1].line - group[0].line, 20, "the copies are 20 lines apart in the file")
        }
    }

    func testAClassUnderOnePercentIsRareEvenWithFiveExamples() throws {
        var examples = (0..<600).map { Example(text: "text \($0)", label: .classID($0 % 2), line: $0 + 2) }
        examples += (0..<5).map { Example(text: "rare \($0)", label: .classID(2), line: 700 + $0) }
        let data = TextDataset(name: "made.csv", task: .singleLabel,
                               labelMap: try LabelMap(names: ["a", "b", "c"]), train: examples)
        let rare = try finding(DatasetCheck(data), .rareClass)
        XCTAssertEqual(rare.groups.count, 1)
        XCTAssertEqual(rare.groups[0].map(\.line), Array(700..<705))
        XCTAssertTrue(rare.notes[0].hasPrefix("'c': 5 examples (0.8%"), rare.notes[0])
    }

    func testIntegerLabelsAreNotVariantsAndATokenizerCountIsExact() throws {
        let data = TextDataset(name: "ints.csv", task: .singleLabel, labelMap: try LabelMap(names: ["-1", "1"]),
                               train: (0..<20).map { Example(text: "short text \($0)", label: .classID($0 % 2), line: $0 + 2) })
        var check = DatasetCheck(data, maxLength: 8)
        XCTAssertEqual(check.findings.map(\.kind), [], "'-1' and '1' are different classes; 4 words fit in 8 tokens")
        // A stand-in tokenizer that gives every character a token: all 20 texts exceed 8.
        check = DatasetCheck(data, maxLength: 8) { $0.text.count + 2 }
        let truncated = try finding(check, .truncated)
        XCTAssertEqual(truncated.count, 20)
        XCTAssertTrue(check.exactTokenCounts)
        XCTAssertFalse(truncated.message.contains("at least"), truncated.message)
        XCTAssertTrue(truncated.message.hasSuffix("; 100% of the texts would lose their end: train(window: 8, stride: 2) reads each "
                                                  + "text whole as overlapping windows (and evaluate and predict take the same window:)"),
                      truncated.message)
    }

    /// Windows are suggested when at least a tenth of the texts would be cut, not for a few outliers.
    func testWindowsAreSuggestedWhenATenthOfTheTextsWouldBeCut() {
        XCTAssertNil(WindowSuggestion.text(cut: 9, of: 100, maxLength: 128))
        XCTAssertNil(WindowSuggestion.text(cut: 0, of: 0, maxLength: 128))
        XCTAssertEqual(WindowSuggestion.text(cut: 10, of: 100, maxLength: 128)?.hasPrefix(
            "10% of the texts would lose their end: train(window: 128, stride: 32)"), true)
        for window in 3...600 { XCTAssertLessThan(WindowSuggestion.stride(for: window), window - 2, "a stride train accepts") }
    }

    func testTheLowerBoundCountsWordsAndPunctuationLikeBertsBasicTokenizer() {
        XCTAssertEqual(DatasetCheck.lowerBoundTokenCount(Example(text: "Hello, world!", label: .classID(0))), 6)
        XCTAssertEqual(DatasetCheck.lowerBoundTokenCount(Example(text: "a€b", label: .classID(0))), 3,
                       "€ is a symbol, not punctuation to BERT: one word, [CLS] and [SEP]")
        XCTAssertEqual(DatasetCheck.lowerBoundTokenCount(Example(text: "one two", pair: "三四", label: .classID(0))), 7)
    }
}
