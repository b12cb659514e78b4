import XCTest
import Numerics

// SeededGenerator lives in Numerics; its tests sit here with its owner (the datasets engineer).
final class SeededGeneratorTests: XCTestCase {
    /// Expected words from scripts/reference/seeded_generator.py, an independent transcription
    /// of the reference C (its splitmix64 reproduces the published 1234567 -> 6457827717110365317).
    func testFirstOutputsMatchReferenceXoshiro256StarStar() {
        var zero = SeededGenerator(seed: 0)
        XCTAssertEqual((0..<5).map { _ in zero.next() },
                       [11091344671253066420, 13793997310169335082, 1900383378846508768,
                        7684712102626143532, 13521403990117723737])
        var fortyTwo = SeededGenerator(seed: 42)
        XCTAssertEqual((0..<5).map { _ in fortyTwo.next() },
                       [1546998764402558742, 6990951692964543102, 12544586762248559009,
                        17057574109182124193, 18295552978065317476])
    }

    func testUniformsStayInHalfOpenUnitIntervalWithMeanOneHalfWithin5Sigma() {
        var rng = SeededGenerator(seed: 7)
        let n = 100_000
        var sumD = 0.0, sumF = 0.0
        for _ in 0..<n {
            let d = rng.nextDouble(), f = rng.nextFloat()
            XCTAssert(d >= 0 && d < 1); XCTAssert(f >= 0 && f < 1)
            sumD += d; sumF += Double(f)
        }
        // Uniform(0,1): variance 1/12, so the mean of n draws has sigma sqrt(1/(12n)).
        let bound = 5 * (1.0 / (12.0 * Double(n))).squareRoot()
        XCTAssertEqual(sumD / Double(n), 0.5, accuracy: bound)
        XCTAssertEqual(sumF / Double(n), 0.5, accuracy: bound)
    }

    func testNextIntCoversEveryValueUniformlyWithin5Sigma() {
        var rng = SeededGenerator(seed: 3)
        let bound = 7, n = 70_000
        var counts = [Int](repeating: 0, count: bound)
        for _ in 0..<n { counts[rng.nextInt(below: bound)] += 1 }
        let p = 1.0 / Double(bound)
        let sigma = (Double(n) * p * (1 - p)).squareRoot()
        for c in counts { XCTAssertEqual(Double(c), Double(n) * p, accuracy: 5 * sigma) }
        XCTAssertEqual(rng.nextInt(below: 1), 0)
    }

    func testShuffleIsAPermutationAndDeterministicForASeed() {
        var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11), c = SeededGenerator(seed: 12)
        let values = Array(0..<50)
        let sa = a.shuffled(values), sb = b.shuffled(values), sc = c.shuffled(values)
        XCTAssertEqual(sa, sb)
        XCTAssertNotEqual(sa, sc)
        XCTAssertNotEqual(sa, values)
        XCTAssertEqual(sa.sorted(), values)
    }

    func testShuffleOfThreePutsEachElementFirstAboutOneThirdOfTheTimeWithin5Sigma() {
        // Fisher-Yates is uniform over the 3! permutations; check each of the 6 appears ~n/6.
        var rng = SeededGenerator(seed: 5)
        let n = 60_000
        var counts: [[Int]: Int] = [:]
        for _ in 0..<n { counts[rng.shuffled([0, 1, 2]), default: 0] += 1 }
        XCTAssertEqual(counts.count, 6)
        let p = 1.0 / 6.0, sigma = (Double(n) * p * (1 - p)).squareRoot()
        for (_, c) in counts { XCTAssertEqual(Double(c), Double(n) * p, accuracy: 5 * sigma) }
    }

    func testNormalSamplesHaveRequestedMeanAndStandardDeviationWithin5Sigma() {
        var rng = SeededGenerator(seed: 9)
        let n = 100_000
        var values = [Float](repeating: 0, count: n)
        rng.fillNormal(&values, mean: 1.5, standardDeviation: 0.02)
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n - 1)
        // sigma of the mean: s/sqrt(n); sigma of the sample variance: s^2 sqrt(2/(n-1)).
        XCTAssertEqual(mean, 1.5, accuracy: 5 * 0.02 / Double(n).squareRoot())
        XCTAssertEqual(variance, 0.0004, accuracy: 5 * 0.0004 * (2.0 / Double(n - 1)).squareRoot())
        XCTAssert(values.allSatisfy { $0.isFinite })
    }
}
