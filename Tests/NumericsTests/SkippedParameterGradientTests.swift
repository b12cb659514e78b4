@testable import Numerics
import TestSupport
import XCTest

/// `Linear.backward` and `LayerNorm.backward` with nil parameter-gradient outputs (what explain's
/// backward passes): the input gradient is the same, bit for bit, as with them, at sizes that
/// split the work over both cores.
final class SkippedParameterGradientTests: XCTestCase {
    var random = TestRandom(seed: 17)

    func testLinearInputGradientIsBitForBitTheSameWithoutWeightAndBiasGradients() {
        let rows = 96, inFeatures = 48, outFeatures = 40
        let input = random.uniformArray(rows * inFeatures), weight = random.uniformArray(outFeatures * inFeatures)
        let dout = random.uniformArray(rows * outFeatures), start = random.uniformArray(rows * inFeatures)
        var dw = [Float](repeating: 0, count: outFeatures * inFeatures), db = [Float](repeating: 0, count: outFeatures)
        for accumulate in [false, true] {
            var withParams = start, without = start
            Linear.backward(dinp: &withParams, dweight: &dw, dbias: &db, dout: dout, inp: input, weight: weight,
                            rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, accumulateInput: accumulate)
            Linear.backward(dinp: &without, dweight: nil, dbias: nil, dout: dout, inp: input, weight: weight,
                            rows: rows, inFeatures: inFeatures, outFeatures: outFeatures, accumulateInput: accumulate)
            XCTAssertEqual(without.map(\.bitPattern), withParams.map(\.bitPattern), "accumulate: \(accumulate)")
        }
        XCTAssertTrue(dw.contains { $0 != 0 } && db.contains { $0 != 0 }, "the gradients were computed with them")
    }

    func testLayerNormInputGradientIsBitForBitTheSameWithoutWeightAndBiasGradients() {
        let rows = 96, C = 64
        let input = random.uniformArray(rows * C, scale: 2), dout = random.uniformArray(rows * C)
        let weight = random.uniformArray(C).map { 1 + $0 * 0.5 }, bias = random.uniformArray(C)
        var out = [Float](repeating: 0, count: rows * C)
        var mean = [Float](repeating: 0, count: rows), rstd = [Float](repeating: 0, count: rows)
        LayerNorm.forward(out: &out, mean: &mean, rstd: &rstd, inp: input, weight: weight, bias: bias,
                          rows: rows, channels: C, eps: 1e-12)
        var dw = [Float](repeating: 0, count: C), db = [Float](repeating: 0, count: C)
        var withParams = [Float](repeating: 0, count: rows * C), without = withParams, onlyBias = withParams
        var db2 = [Float](repeating: 0, count: C)
        LayerNorm.backward(dinp: &withParams, dweight: &dw, dbias: &db, dout: dout, inp: input, weight: weight,
                           mean: mean, rstd: rstd, rows: rows, channels: C)
        LayerNorm.backward(dinp: &without, dweight: nil, dbias: nil, dout: dout, inp: input, weight: weight,
                           mean: mean, rstd: rstd, rows: rows, channels: C)
        LayerNorm.backward(dinp: &onlyBias, dweight: nil, dbias: &db2, dout: dout, inp: input, weight: weight,
                           mean: mean, rstd: rstd, rows: rows, channels: C)
        XCTAssertEqual(without.map(\.bitPattern), withParams.map(\.bitPattern), "dinp without dweight, dbias")
        XCTAssertEqual(onlyBias.map(\.bitPattern), withParams.map(\.bitPattern), "dinp without dweight")
        XCTAssertEqual(db2.map(\.bitPattern), db.map(\.bitPattern), "dbias alone equals dbias with dweight")
    }
}
