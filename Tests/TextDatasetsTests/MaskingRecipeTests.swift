import XCTest
import Numerics
@testable import TextDatasets

final class MaskingRecipeTests: XCTestCase {
    // A BERT-like vocabulary: 0 [PAD], 100 [UNK], 101 [CLS], 102 [SEP], 103 [MASK].
    let vocabularySize = 1000
    let maskID = 103
    let specials: Set<Int> = [0, 100, 101, 102, 103]

    /// [CLS] + 100 ordinary tokens + [SEP] + 26 [PAD]: (128).
    func sequence(_ rng: inout SeededGenerator) -> [Int] {
        [101] + (0..<100).map { _ in 200 + rng.nextInt(below: 800) } + [102] + Array(repeating: 0, count: 26)
    }

    /// |observed - n p| <= 5 sqrt(n p (1 - p)): a binomial count within 5 sigma.
    func assertBinomial(_ observed: Int, trials: Int, p: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let mean = Double(trials) * p
        let sigma = (Double(trials) * p * (1 - p)).squareRoot()
        XCTAssertLessThanOrEqual(abs(Double(observed) - mean), 5 * sigma,
                                 "\(what): \(observed) of \(trials), expected \(mean) +- 5 x \(sigma)", file: file, line: line)
    }

    func testProportionsAre15PercentThen80_10_10Within5SigmaAndSpecialsAreNeverChosen() {
        var rng = SeededGenerator(seed: 2024)
        var candidates = 0, chosen = 0, masked = 0, random = 0, unchanged = 0
        var randomIDSum = 0.0
        for _ in 0..<3000 {
            let ids = sequence(&rng)
            let result = MaskingRecipe.bert.apply(to: ids, vocabularySize: vocabularySize, maskTokenID: maskID,
                                                  isSpecial: specials.contains, using: &rng)
            candidates += ids.filter { !specials.contains($0) }.count
            chosen += result.choices.count
            XCTAssertEqual(result.inputIDs.count, ids.count)
            let chosenPositions = Set(result.choices.map(\.position))
            for position in ids.indices {
                if chosenPositions.contains(position) {
                    XCTAssertFalse(specials.contains(ids[position]), "a special token was chosen")
                    XCTAssertEqual(result.labels[position], ids[position])
                } else {
                    XCTAssertEqual(result.labels[position], -100)
                    XCTAssertEqual(result.inputIDs[position], ids[position])
                }
            }
            for choice in result.choices {
                XCTAssertEqual(choice.original, ids[choice.position])
                XCTAssertEqual(result.inputIDs[choice.position], choice.replacement)
                switch choice.action {
                case .mask: masked += 1; XCTAssertEqual(choice.replacement, maskID)
                case .random:
                    random += 1
                    XCTAssertTrue((0..<vocabularySize).contains(choice.replacement))
                    randomIDSum += Double(choice.replacement)
                case .unchanged: unchanged += 1; XCTAssertEqual(choice.replacement, choice.original)
                }
            }
        }
        XCTAssertEqual(candidates, 300_000)
        assertBinomial(chosen, trials: candidates, p: 0.15, "chosen")
        assertBinomial(masked, trials: chosen, p: 0.8, "[MASK]")
        assertBinomial(random, trials: chosen, p: 0.1, "random")
        assertBinomial(unchanged, trials: chosen, p: 0.1, "unchanged")
        // Random ids are uniform on 0..<V: mean (V-1)/2, variance (V^2-1)/12.
        let sigma = ((Double(vocabularySize * vocabularySize) - 1) / 12 / Double(random)).squareRoot()
        XCTAssertEqual(randomIDSum / Double(random), Double(vocabularySize - 1) / 2, accuracy: 5 * sigma)
    }

    func testSameSeedGivesTheSameMaskAndOtherProportionsAreHonoured() throws {
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let ids = [101] + Array(200..<300) + [102]
        XCTAssertEqual(MaskingRecipe.bert.apply(to: ids, vocabularySize: 1000, maskTokenID: 103, isSpecial: specials.contains, using: &a),
                       MaskingRecipe.bert.apply(to: ids, vocabularySize: 1000, maskTokenID: 103, isSpecial: specials.contains, using: &b))
        // All chosen, all [MASK].
        let everything = try MaskingRecipe(maskProbability: 1, maskReplaceProbability: 1, randomReplaceProbability: 0)
        let result = everything.apply(to: ids, vocabularySize: 1000, maskTokenID: 103, isSpecial: specials.contains, using: &a)
        XCTAssertEqual(result.inputIDs, [101] + Array(repeating: 103, count: 100) + [102])
        // Chosen but never replaced.
        let keep = try MaskingRecipe(maskProbability: 1, maskReplaceProbability: 0, randomReplaceProbability: 0)
        let kept = keep.apply(to: ids, vocabularySize: 1000, maskTokenID: 103, isSpecial: specials.contains, using: &a)
        XCTAssertEqual(kept.inputIDs, ids)
        XCTAssertEqual(kept.choices.count, 100)
    }

    func testAtLeastOneChoosesAnOrdinaryTokenWhenTheDrawChoseNone() throws {
        let never = try MaskingRecipe(maskProbability: 0)
        var rng = SeededGenerator(seed: 4)
        let ids = [101, 500, 501, 102, 0]
        XCTAssertTrue(never.apply(to: ids, vocabularySize: 1000, maskTokenID: 103, isSpecial: specials.contains, using: &rng).choices.isEmpty)
        for _ in 0..<50 {
            let result = never.apply(to: ids, vocabularySize: 1000, maskTokenID: 103, isSpecial: specials.contains,
                                     atLeastOne: true, using: &rng)
            XCTAssertEqual(result.choices.count, 1)
            XCTAssertTrue([1, 2].contains(result.choices[0].position))
        }
        // Nothing to choose: nothing chosen.
        let onlySpecials = never.apply(to: [101, 102], vocabularySize: 1000, maskTokenID: 103, isSpecial: specials.contains,
                                       atLeastOne: true, using: &rng)
        XCTAssertTrue(onlySpecials.choices.isEmpty)
    }

    func testInvalidProportionsAreRefused() {
        assertDatasetError(.argument, ["maskProbability"]) { try MaskingRecipe(maskProbability: 1.5) }
        assertDatasetError(.argument, ["at most 1"]) { try MaskingRecipe(maskReplaceProbability: 0.95, randomReplaceProbability: 0.1) }
    }
}
