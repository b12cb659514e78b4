import Numerics
import XCTest

/// The attention heads' products against a Float64 reference, and the row-wise kernels the
/// attention core leans on.
final class SmallMatrixProductTests: XCTestCase {
    /// Every shape class the kernel has a path for: 32-column blocks, 8-column blocks, the last
    /// n % 8 columns (dynamic padding's odd T), odd row counts, strided operands.
    func testProductsMatchDoubleWithinHighamsBound() {
        var rng = SeededGenerator(seed: 7)
        let shapes = [(m: 128, n: 32, k: 128), (m: 13, n: 13, k: 32), (m: 7, n: 72, k: 5), (m: 1, n: 3, k: 64),
                      (m: 64, n: 64, k: 64), (m: 9, n: 40, k: 1)]
        for (m, n, k) in shapes {
            let lda = k + 3, ldb = n + 5, ldc = n + 2
            let a = (0..<(m * lda)).map { _ in Float.random(in: -2...2, using: &rng) }
            let b = (0..<(k * ldb)).map { _ in Float.random(in: -2...2, using: &rng) }
            var c = [Float](repeating: .nan, count: m * ldc)
            let alpha: Float = 0.17677669
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        SmallMatrixProduct.multiply(m: m, n: n, k: k, alpha: alpha, a: ap.baseAddress!, lda: lda,
                                                    b: bp.baseAddress!, ldb: ldb, c: cp.baseAddress!, ldc: ldc)
                    }
                }
            }
            // Higham, "Accuracy and Stability of Numerical Algorithms", §3.5: a dot product of
            // length k in floating point is within γ_k · Σ|a||b| of the exact one, γ_k = k·u/(1 − k·u),
            // u = 2^-24; the scaling by α adds one more rounding, so γ_(k+1) · |α|.
            let u = 1.0 / 16_777_216
            let gamma = Double(k + 1) * u / (1 - Double(k + 1) * u)
            for i in 0..<m {
                for j in 0..<n {
                    var exact = 0.0, magnitude = 0.0
                    for p in 0..<k {
                        let x = Double(a[i * lda + p]), y = Double(b[p * ldb + j])
                        exact += x * y
                        magnitude += abs(x * y)
                    }
                    exact *= Double(alpha)
                    let got = Double(c[i * ldc + j])
                    XCTAssertLessThanOrEqual(abs(got - exact), gamma * magnitude * Double(alpha) + 1e-30,
                                             "(\(m), \(n), \(k)) at (\(i), \(j))")
                }
                // Columns past n belong to someone else: never written.
                for j in n..<ldc { XCTAssertTrue(c[i * ldc + j].isNaN) }
            }
        }
    }

    /// Every element, in the SIMD tiles and in the last n % 8 columns alike, is bit for bit one
    /// chain of fused multiply-adds from zero in the order of k, then scaled by α: the contract that makes
    /// the attention core independent of the tile an element falls in and of the build target.
    func testEveryElementIsOneFusedChainInOrder() {
        var rng = SeededGenerator(seed: 13)
        for (m, n, k) in [(m: 5, n: 77, k: 33), (m: 4, n: 32, k: 128), (m: 3, n: 8, k: 7), (m: 21, n: 21, k: 32),
                          (m: 6, n: 5, k: 40)] {
            let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
            let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
            var c = [Float](repeating: .nan, count: m * n)
            let alpha: Float = 0.125
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        SmallMatrixProduct.multiply(m: m, n: n, k: k, alpha: alpha, a: ap.baseAddress!, lda: k,
                                                    b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
            for i in 0..<m {
                for j in 0..<n {
                    var chain: Float = 0
                    for p in 0..<k { chain = chain.addingProduct(a[i * k + p], b[p * n + j]) }
                    XCTAssertEqual(c[i * n + j].bitPattern, (chain * alpha).bitPattern, "(\(m), \(n), \(k)) at (\(i), \(j))")
                }
            }
        }
    }

    /// The vectorised maxima return exactly what a scalar loop does (a maximum rounds nothing), on
    /// rows of every length around the 16-lane blocks, masked and unmasked.
    func testRowMaximaEqualScalarLoops() {
        var rng = SeededGenerator(seed: 11)
        for n in [1, 15, 16, 17, 31, 32, 33, 64, 127, 128] {
            let x = (0..<n).map { _ in Float.random(in: -50...50, using: &rng) }
            var mask = (0..<n).map { _ in Float(Int.random(in: 0...1, using: &rng)) }
            x.withUnsafeBufferPointer { xp in
                XCTAssertEqual(RowReductions.maximum(xp.baseAddress!, n), x.max()!, "n \(n)")
                for allMasked in [false, true] {
                    if allMasked { mask = [Float](repeating: 0, count: n) }
                    let expected = zip(x, mask).filter { $0.1 != 0 }.map(\.0).max() ?? -.infinity
                    mask.withUnsafeBufferPointer { mp in
                        XCTAssertEqual(RowReductions.maximum(xp.baseAddress!, where: mp.baseAddress!, n), expected,
                                       "n \(n), all masked \(allMasked)")
                    }
                }
            }
        }
    }
}
