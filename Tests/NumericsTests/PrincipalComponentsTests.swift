import Foundation
import XCTest
@testable import Numerics

/// PCA on data whose components are known by construction: rows a_i·u + b_i·v (+ a mean) with
/// u, v orthonormal and Σa² > Σb², Σab = 0, so u and v are the eigenvectors and the variances
/// are Σa²/(N−1) and Σb²/(N−1) exactly (up to float64 rounding, 1e-9 here).
final class PrincipalComponentsTests: XCTestCase {
    private let u = [0.6, 0.0, -0.8, 0.0], v = [0.0, 0.8, 0.0, -0.6]   // unit, orthogonal

    private func rows(_ a: [Double], _ b: [Double]) -> [[Double]] {
        zip(a, b).map { ai, bi in (0..<4).map { 1.5 + ai * u[$0] + bi * v[$0] } }
    }

    func testKnownComponentsVariancesAndSignWithin1e9() {
        let a = [3.0, -3, 1, -1], b = [1.0, 1, -1, -1]   // Σa = Σb = Σab = 0
        let pca = PrincipalComponents(rows: rows(a, b), count: 2)
        // The sign rule: the largest-magnitude entry is positive, so u (largest -0.8) flips.
        let expectedU = u.map { -$0 }
        for c in 0..<4 {
            XCTAssertEqual(pca.components[0][c], expectedU[c], accuracy: 1e-9)
            XCTAssertEqual(pca.components[1][c], v[c], accuracy: 1e-9)
        }
        XCTAssertEqual(pca.variances[0], 20.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(pca.variances[1], 4.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(pca.explained[0], 20.0 / 24, accuracy: 1e-9)
        for (i, score) in pca.scores.enumerated() {
            XCTAssertEqual(score[0], -a[i], accuracy: 1e-9)
            XCTAssertEqual(score[1], b[i], accuracy: 1e-9)
        }
    }

    func testTheSamePointsInAnotherOrderGiveTheSameComponents() {
        let a = [3.0, -3, 1, -1], b = [1.0, 1, -1, -1]
        let one = PrincipalComponents(rows: rows(a, b), count: 2)
        let other = PrincipalComponents(rows: rows(a, b).reversed(), count: 2)
        XCTAssertEqual(one.components.flatMap { $0 }.map { ($0 * 1e8).rounded() },
                       other.components.flatMap { $0 }.map { ($0 * 1e8).rounded() })
    }

    func testIdenticalPointsHaveNoVarianceAndStayFinite() {
        let pca = PrincipalComponents(rows: [[1, 2, 3], [1, 2, 3], [1, 2, 3]], count: 2)
        XCTAssertEqual(pca.explained, [0, 0])
        XCTAssertTrue(pca.scores.joined().allSatisfy { $0 == 0 })
    }
}
