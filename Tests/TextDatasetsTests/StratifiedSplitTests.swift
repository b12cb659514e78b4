import XCTest
import Numerics
@testable import TextDatasets

final class StratifiedSplitTests: XCTestCase {
    func testEachClassGetsItsProportionalShare() {
        // 60 / 30 / 10 examples, 20% -> 20 in validation: 12 / 6 / 2 exactly.
        let strata = Array(repeating: 0, count: 60) + Array(repeating: 1, count: 30) + Array(repeating: 2, count: 10)
        var rng = SeededGenerator(seed: 1)
        let (train, validation) = StratifiedSplit.split(strata: strata, count: 100, fraction: 0.2, using: &rng)
        XCTAssertEqual(validation.count, 20)
        XCTAssertEqual([0, 1, 2].map { c in validation.filter { strata[$0] == c }.count }, [12, 6, 2])
        XCTAssertEqual(Set(train).union(validation), Set(0..<100))
        XCTAssertTrue(Set(train).isDisjoint(with: validation))
        XCTAssertEqual(train, train.sorted())
        XCTAssertEqual(validation, validation.sorted())
    }

    func testLeftoversGoToLargestRemaindersAndSmallClassesKeepATrainingExample() {
        // sizes 5, 3, 2, total round(0.3 * 10) = 3; shares 1.5, 0.9, 0.6 -> floors 1, 0, 0,
        // remainders .5, .9, .6 -> the two leftovers go to classes 1 and 2: [1, 1, 1].
        XCTAssertEqual(StratifiedSplit.allocate(total: 3, sizes: [5, 3, 2]), [1, 1, 1])
        // A class of one never goes to validation; its share moves to the others.
        XCTAssertEqual(StratifiedSplit.allocate(total: 2, sizes: [1, 3]), [0, 2])
        // Caps: each class keeps one example for training even if the total asks for more.
        XCTAssertEqual(StratifiedSplit.allocate(total: 3, sizes: [2, 2]), [1, 1])
    }

    func testValidationCountRoundsAndKeepsBothSidesNonEmpty() {
        XCTAssertEqual(StratifiedSplit.validationCount(count: 30, fraction: 0.1), 3)
        XCTAssertEqual(StratifiedSplit.validationCount(count: 4, fraction: 0.1), 1)   // at least one
        XCTAssertEqual(StratifiedSplit.validationCount(count: 2, fraction: 0.9), 1)   // at most n - 1
        XCTAssertEqual(StratifiedSplit.validationCount(count: 1, fraction: 0.5), 0)
        XCTAssertEqual(StratifiedSplit.validationCount(count: 100, fraction: 0), 0)
    }

    func testSplitIsDeterministicForASeedAndDiffersAcrossSeeds() {
        let strata = (0..<200).map { $0 % 3 }
        func run(_ seed: UInt64) -> [Int] {
            var rng = SeededGenerator(seed: seed)
            return StratifiedSplit.split(strata: strata, count: 200, fraction: 0.25, using: &rng).validation
        }
        XCTAssertEqual(run(7), run(7))
        XCTAssertNotEqual(run(7), run(8))
    }

    func testUnstratifiedSplitTakesTheRequestedCount() {
        var rng = SeededGenerator(seed: 3)
        let (train, validation) = StratifiedSplit.split(strata: nil, count: 50, fraction: 0.2, using: &rng)
        XCTAssertEqual(validation.count, 10)
        XCTAssertEqual(train.count, 40)
    }

    func testLoadedSplitIsDeterministicForTheSeed() throws {
        let a = try TextDataset.load(dataset: "demo", validation: 0.2, seed: 5)
        let b = try TextDataset.load(dataset: "demo", validation: 0.2, seed: 5)
        let c = try TextDataset.load(dataset: "demo", validation: 0.2, seed: 6)
        XCTAssertEqual(a.validation, b.validation)
        XCTAssertNotEqual(a.validation, c.validation)
        XCTAssertEqual(a.labelCounts(in: .validation), [80, 80])
    }
}
