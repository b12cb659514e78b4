@testable import Numerics
import TestSupport
import XCTest

/// Each kernel's backward against central finite differences of its forward, with the loss
/// Σ out ⊙ r for a fixed random r (so d loss / d out = r). Claims: relative error (to the
/// gradient's largest entry) below 1e-2 with a Float32 forward and step 1e-2.
final class KernelGradientTests: XCTestCase {
    var random = TestRandom(seed: 11)

    /// Checks `backward` (which must return d loss / d input given dout = r) against finite
    /// differences of `forward` (input -> output), both on a copy of `input`.
    func check(_ what: String, input: [Float], outputCount: Int, step: Float = 1e-2, tolerance: Double = 1e-2,
               forward: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
               backward: (UnsafePointer<Float>, [Float]) -> [Float], file: StaticString = #filePath, line: UInt = #line) {
        let r = random.uniformArray(outputCount)
        var x = input
        var out = [Float](repeating: 0, count: outputCount)
        let numeric = GradientCheck.numerical(count: x.count, step: step, perturb: { i, d in x[i] += d }, loss: {
            x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { forward(xp.baseAddress!, $0.baseAddress!) } }
            return out.withUnsafeBufferPointer { GradientCheck.dot($0.baseAddress!, r) }
        })
        let analytic = x.withUnsafeBufferPointer { backward($0.baseAddress!, r) }
        let error = GradientCheck.relativeError(analytic, numeric)
        XCTAssertLessThan(error, tolerance, "\(what): relative error \(error)", file: file, line: line)
    }

    func testGELUBackwardMatchesFiniteDifferencesWithin1e2() {
        let n = 64
        check("GELU", input: random.uniformArray(n, scale: 3), outputCount: n,
              forward: { GELU.forward(out: $1, inp: $0, count: n) },
              backward: { x, r in
                  var d = [Float](repeating: 0, count: n)
                  GELU.backward(dinp: &d, inp: x, dout: r, count: n)
                  return d
              })
    }

    /// Training keeps one GELU output for all layers and writes each layer's again in its
    /// backward; the claim is exactness: the same bits as `forward`, and the same gradient as
    /// `backward`, over |x| up to 6 (both erf branches and the clamp at 4), the vector loop and
    /// its scalar remainder (n = 1027).
    func testGELUBackwardRecomputingOutputIsBitForBitForwardAndBackward() {
        let n = 1027
        let x = random.uniformArray(n, scale: 6), dout = random.uniformArray(n)
        var forwardOut = [Float](repeating: 0, count: n), backwardGrad = [Float](repeating: 0, count: n)
        GELU.forward(out: &forwardOut, inp: x, count: n)
        GELU.backward(dinp: &backwardGrad, inp: x, dout: dout, count: n)
        var out = [Float](repeating: .nan, count: n), grad = dout
        x.withMatrixView(rows: 1, columns: n) { inp in
            out.withMutableMatrixView(rows: 1, columns: n) { o in
                grad.withMutableMatrixView(rows: 1, columns: n) { GELU.backwardRecomputingOutput(dinp: $0, out: o, inp: inp) }
            }
        }
        XCTAssertEqual(out.map(\.bitPattern), forwardOut.map(\.bitPattern))
        XCTAssertEqual(grad.map(\.bitPattern), backwardGrad.map(\.bitPattern))
    }

    func testTanhBackwardMatchesFiniteDifferencesWithin1e2() {
        let n = 32
        check("tanh", input: random.uniformArray(n, scale: 2), outputCount: n,
              forward: { Tanh.forward(out: $1, inp: $0, count: n) },
              backward: { x, r in
                  var out = [Float](repeating: 0, count: n), d = [Float](repeating: 0, count: n)
                  Tanh.forward(out: &out, inp: x, count: n)
                  Tanh.backward(dinp: &d, out: out, dout: r, count: n)
                  return d
              })
    }

    func testLayerNormBackwardMatchesFiniteDifferencesForInputWeightAndBiasWithin1e2() {
        let rows = 3, C = 8, n = rows * C
        var weight = random.uniformArray(C, scale: 1).map { 1 + $0 * 0.5 }
        var bias = random.uniformArray(C, scale: 0.5)
        let input = random.uniformArray(n, scale: 2)
        var mean = [Float](repeating: 0, count: rows), rstd = [Float](repeating: 0, count: rows)
        func forward(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
            LayerNorm.forward(out: out, mean: &mean, rstd: &rstd, inp: x, weight: weight, bias: bias,
                              rows: rows, channels: C, eps: 1e-12)
        }
        func gradients(_ x: UnsafePointer<Float>, _ r: [Float]) -> (dx: [Float], dw: [Float], db: [Float]) {
            var out = [Float](repeating: 0, count: n)
            forward(x, &out)
            var dx = [Float](repeating: 0, count: n), dw = [Float](repeating: 0, count: C), db = [Float](repeating: 0, count: C)
            LayerNorm.backward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, inp: x, weight: weight, mean: mean,
                               rstd: rstd, rows: rows, channels: C)
            return (dx, dw, db)
        }
        check("LayerNorm input", input: input, outputCount: n, forward: forward, backward: { gradients($0, $1).dx })
        // Weight and bias: perturb the parameters, input fixed.
        let r = random.uniformArray(n)
        let analytic = input.withUnsafeBufferPointer { gradients($0.baseAddress!, r) }
        var out = [Float](repeating: 0, count: n)
        let loss: () -> Double = {
            input.withUnsafeBufferPointer { forward($0.baseAddress!, &out) }
            return out.withUnsafeBufferPointer { GradientCheck.dot($0.baseAddress!, r) }
        }
        let dw = GradientCheck.numerical(count: C, step: 1e-2, perturb: { i, d in weight[i] += d }, loss: loss)
        let db = GradientCheck.numerical(count: C, step: 1e-2, perturb: { i, d in bias[i] += d }, loss: loss)
        XCTAssertLessThan(GradientCheck.relativeError(analytic.dw, dw), 1e-2)
        XCTAssertLessThan(GradientCheck.relativeError(analytic.db, db), 1e-2)
    }

    func testMaskedSoftmaxBackwardMatchesFiniteDifferencesWithin1e2AndMaskedKeysGetZero() {
        let rows = 4, T = 6, n = rows * T
        let keyMask: [Float] = [1, 1, 0, 1, 1, 0]
        check("attention softmax", input: random.uniformArray(n, scale: 3), outputCount: n,
              forward: { x, out in
                  out.update(from: x, count: n)
                  AttentionSoftmax.forward(scores: out, keyMask: keyMask, rows: rows, keys: T)
              },
              backward: { x, r in
                  var p = Array(UnsafeBufferPointer(start: x, count: n))
                  AttentionSoftmax.forward(scores: &p, keyMask: keyMask, rows: rows, keys: T)
                  var d = r
                  AttentionSoftmax.backward(dprobs: &d, probs: p, rows: rows, keys: T)
                  return d
              })
        var p = random.uniformArray(n, scale: 3)
        p[2] = 1000  // a padded key scoring far above the real ones must not underflow them
        AttentionSoftmax.forward(scores: &p, keyMask: keyMask, rows: rows, keys: T)
        for row in 0..<rows {
            XCTAssertEqual(p[row * T + 2], 0)
            XCTAssertEqual(p[row * T + 5], 0)
            XCTAssertEqual(p[(row * T)..<(row * T + T)].reduce(0, +), 1, accuracy: 1e-6)
        }
    }

    func testLinearBackwardMatchesFiniteDifferencesForInputWeightAndBiasWithin1e2() {
        let N = 3, I = 5, O = 4
        let input = random.uniformArray(N * I)
        var weight = random.uniformArray(O * I)
        var bias = random.uniformArray(O)
        func forward(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
            Linear.forward(out: out, inp: x, weight: weight, bias: bias, rows: N, inFeatures: I, outFeatures: O)
        }
        let r = random.uniformArray(N * O)
        var dx = [Float](repeating: 0, count: N * I), dw = [Float](repeating: 0, count: O * I), db = [Float](repeating: 0, count: O)
        Linear.backward(dinp: &dx, dweight: &dw, dbias: &db, dout: r, inp: input, weight: weight,
                        rows: N, inFeatures: I, outFeatures: O)
        check("Linear input", input: input, outputCount: N * O, forward: forward, backward: { x, r2 in
            var dx2 = [Float](repeating: 0, count: N * I), dw2 = dw, db2 = db
            Linear.backward(dinp: &dx2, dweight: &dw2, dbias: &db2, dout: r2, inp: x, weight: weight,
                            rows: N, inFeatures: I, outFeatures: O)
            return dx2
        })
        var out = [Float](repeating: 0, count: N * O)
        let loss: () -> Double = {
            input.withUnsafeBufferPointer { forward($0.baseAddress!, &out) }
            return out.withUnsafeBufferPointer { GradientCheck.dot($0.baseAddress!, r) }
        }
        XCTAssertLessThan(GradientCheck.relativeError(dw, GradientCheck.numerical(count: O * I, step: 1e-2,
            perturb: { i, d in weight[i] += d }, loss: loss)), 1e-2)
        XCTAssertLessThan(GradientCheck.relativeError(db, GradientCheck.numerical(count: O, step: 1e-2,
            perturb: { i, d in bias[i] += d }, loss: loss)), 1e-2)
    }

    func testDropoutBackwardAppliesTheForwardMaskAndKeepsAboutOneMinusP() {
        let n = 100_000
        let flat = Dropout.MaskKeys.activations(firstExample: 0, examples: 1, positions: 1, width: n)
        var mask = [Float](repeating: 0, count: n)
        mask.withMutableMatrixView(rows: 1, columns: n) { Dropout.makeMask($0, keys: flat, probability: 0.1, seed: 3) }
        let kept = mask.filter { $0 != 0 }
        XCTAssertEqual(Double(kept.count) / Double(n), 0.9, accuracy: 0.005)
        XCTAssertTrue(kept.allSatisfy { $0 == 1 / Float(0.9) })
        var again = [Float](repeating: 0, count: n)
        again.withMutableMatrixView(rows: 1, columns: n) { Dropout.makeMask($0, keys: flat, probability: 0.1, seed: 3) }
        XCTAssertEqual(mask, again, "same seed, same mask")
        let small = Array(mask.prefix(16))
        check("dropout", input: random.uniformArray(16), outputCount: 16,
              forward: { Dropout.forward(out: $1, inp: $0, mask: small, count: 16) },
              backward: { _, r in
                  var d = [Float](repeating: 0, count: 16)
                  Dropout.backward(dinp: &d, dout: r, mask: small, count: 16)
                  return d
              })
    }

    func testCrossEntropyGradientMatchesFiniteDifferencesWithWeightsAndSmoothingWithin1e2() {
        let N = 4, K = 5
        let labels: [Int32] = [1, -100, 4, 0]
        let weights: [Float] = [0.5, 1, 2, 1.5, 0.75]
        var logits = random.uniformArray(N * K, scale: 3)
        var analytic = [Float](repeating: 0, count: N * K)
        CrossEntropy.compute(dlogits: &analytic, logits: logits, labels: labels, rows: N, classes: K,
                             classWeights: weights, labelSmoothing: 0.2)
        let numeric = GradientCheck.numerical(count: N * K, step: 1e-2, perturb: { i, d in logits[i] += d }) {
            Double(CrossEntropy.compute(dlogits: nil, logits: logits, labels: labels, rows: N, classes: K,
                                        classWeights: weights, labelSmoothing: 0.2))
        }
        XCTAssertLessThan(GradientCheck.relativeError(analytic, numeric), 1e-2)
        XCTAssertEqual(Array(analytic[K..<(2 * K)]), [Float](repeating: 0, count: K), "ignored row")
    }
}
