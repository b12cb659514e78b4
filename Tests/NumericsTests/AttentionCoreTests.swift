@testable import Numerics
import XCTest

/// The attention core's backward against a Float64 reference, on both sides of
/// `transposedProductsInOpenBLASFrom` (below it the products with a transposed (T, T) operand are a
/// transpose and `SmallMatrixProduct`, from it on OpenBLAS), with and without a dropout mask.
final class AttentionCoreTests: XCTestCase {
    func testBackwardMatchesDoubleOnBothSidesOfTheOpenBLASThreshold() {
        let threshold = AttentionCore.transposedProductsInOpenBLASFrom
        for T in [5, 21, threshold - 1, threshold + 3] {
            for dropout in [false, true] { checkBackward(B: 2, T: T, heads: 2, channels: 16, dropout: dropout) }
        }
    }

    /// Reference: dV = Wᵀ·dctx, dW = dctx·Vᵀ, dP = dW ⊙ mask, dS = P ⊙ (dP − Σ P ⊙ dP), dQ = α·dS·K,
    /// dK = α·dSᵀ·Q, with W = P ⊙ mask (or P), in Float64 from the same Float inputs. The bound is
    /// the first-order one of a straight-line program of +, − and × (Higham, "Accuracy and
    /// Stability of Numerical Algorithms", §3.1 and 3.5): γ_n times the same program run on absolute
    /// values, n the longest chain of roundings to the output: hs (dW) + 1 (mask) + T (the dot)
    /// + 2 (subtract, times P) + T (dQ, dK) + 1 (α).
    private func checkBackward(B: Int, T: Int, heads H: Int, channels C: Int, dropout: Bool) {
        var rng = SeededGenerator(seed: UInt64(T * 2 + (dropout ? 1 : 0)))
        let hs = C / H, C3 = 3 * C
        let qkv = (0..<(B * T * C3)).map { _ in Float.random(in: -1...1, using: &rng) }
        let dctx = (0..<(B * T * C)).map { _ in Float.random(in: -1...1, using: &rng) }
        var probs = [Float](repeating: 0, count: B * H * T * T)
        for row in 0..<(B * H * T) {  // row-stochastic, as the forward's softmax leaves it
            let raw = (0..<T).map { _ in Float.random(in: 0.01...1, using: &rng) }
            let sum = raw.reduce(0, +)
            for t in 0..<T { probs[row * T + t] = raw[t] / sum }
        }
        let mask: [Float]? = dropout
            ? (0..<(B * H * T * T)).map { _ in Float.random(in: 0...1, using: &rng) < 0.1 ? 0 : 1 / Float(0.9) } : nil
        var dqkv = [Float](repeating: .nan, count: B * T * C3)
        var scratch = [Float](repeating: .nan, count: AttentionCore.backwardScratchCount(T: T, heads: H, channels: C))
        let maskValues = mask ?? [0]
        dqkv.withUnsafeMutableBufferPointer { dq in
            scratch.withUnsafeMutableBufferPointer { s in
                maskValues.withUnsafeBufferPointer { mp in
                    AttentionCore.backward(dqkv: dq.baseAddress!, dcontext: dctx, qkv: qkv, probs: probs,
                                           probsMask: mask == nil ? nil : mp.baseAddress!, scratch: s.baseAddress!,
                                           B: B, T: T, heads: H, channels: C)
                }
            }
        }
        let alpha = Double(1 / Float(hs).squareRoot())
        let u = 1.0 / 16_777_216
        let depth = Double(hs + 1 + T + 2 + T + 1)
        let gamma = depth * u / (1 - depth * u)
        for b in 0..<B {
            for h in 0..<H {
                func x(_ t: Int, _ block: Int, _ d: Int) -> Double { Double(qkv[(b * T + t) * C3 + block * C + h * hs + d]) }
                func g(_ t: Int, _ d: Int) -> Double { Double(dctx[(b * T + t) * C + h * hs + d]) }
                let base = (b * H + h) * T * T
                func p(_ i: Int, _ j: Int) -> Double { Double(probs[base + i * T + j]) }
                func m(_ i: Int, _ j: Int) -> Double { mask.map { Double($0[base + i * T + j]) } ?? 1 }
                // W as the kernel forms it: one Float product per element.
                func w(_ i: Int, _ j: Int) -> Double { Double(probs[base + i * T + j] * Float(m(i, j))) }
                var dS = [Double](repeating: 0, count: T * T), dSAbs = dS
                for i in 0..<T {
                    var dP = [Double](repeating: 0, count: T), dPAbs = dP
                    for j in 0..<T {
                        var s = 0.0, sAbs = 0.0
                        for d in 0..<hs { s += g(i, d) * x(j, 2, d); sAbs += abs(g(i, d) * x(j, 2, d)) }
                        dP[j] = s * m(i, j); dPAbs[j] = sAbs * m(i, j)
                    }
                    var dot = 0.0, dotAbs = 0.0
                    for j in 0..<T { dot += p(i, j) * dP[j]; dotAbs += p(i, j) * dPAbs[j] }
                    for j in 0..<T {
                        dS[i * T + j] = p(i, j) * (dP[j] - dot)
                        dSAbs[i * T + j] = p(i, j) * (dPAbs[j] + dotAbs)
                    }
                }
                for t in 0..<T {
                    for d in 0..<hs {
                        var dQ = 0.0, dQAbs = 0.0, dK = 0.0, dKAbs = 0.0, dV = 0.0, dVAbs = 0.0
                        for j in 0..<T {
                            dQ += dS[t * T + j] * x(j, 1, d); dQAbs += dSAbs[t * T + j] * abs(x(j, 1, d))
                            dK += dS[j * T + t] * x(j, 0, d); dKAbs += dSAbs[j * T + t] * abs(x(j, 0, d))
                            dV += w(j, t) * g(j, d); dVAbs += abs(w(j, t) * g(j, d))
                        }
                        let row = (b * T + t) * C3 + h * hs + d
                        let place = "T \(T), dropout \(dropout), b \(b) h \(h) t \(t) d \(d)"
                        XCTAssertLessThanOrEqual(abs(Double(dqkv[row]) - alpha * dQ), gamma * alpha * dQAbs + 1e-30, "dQ " + place)
                        XCTAssertLessThanOrEqual(abs(Double(dqkv[row + C]) - alpha * dK), gamma * alpha * dKAbs + 1e-30, "dK " + place)
                        XCTAssertLessThanOrEqual(abs(Double(dqkv[row + 2 * C]) - dV), gamma * dVAbs + 1e-30, "dV " + place)
                    }
                }
            }
        }
    }
}
