import XCTest
@testable import Bert
import Numerics

/// AdamW against torch's formula written out one value at a time (the `torch.optim.AdamW`
/// single-tensor path that `AdamW`'s doc comment gives), compared bit for bit: the optimizer's
/// eight-lane loop must round every value as this loop does. Tensor sizes are not multiples of 8
/// so every tensor has a tail; frozen embeddings put the moments at an offset; layer decay and
/// weight decay give each tensor its own rate and decay factor.
final class AdamWTests: XCTestCase {
    private func layout() -> ParameterLayout {
        var layout = ParameterLayout()
        layout.append("bert.embeddings.word_embeddings.weight", shape: [5, 7])
        layout.append("bert.encoder.layer.0.attention.self.query.weight", shape: [9, 13])
        layout.append("bert.encoder.layer.0.attention.self.query.bias", shape: [9])
        layout.append("bert.encoder.layer.1.output.LayerNorm.weight", shape: [3])
        layout.append("bert.encoder.layer.1.output.dense.weight", shape: [17, 8])
        layout.append("classifier.weight", shape: [2, 21])
        return layout
    }

    private func randomValues(_ count: Int, scale: Float, generator: inout SystemRandomNumberGenerator) -> [Float] {
        (0..<count).map { _ in Float.random(in: -scale...scale, using: &generator) }
    }

    func testEveryValueIsBitForBitTorchsFormulaOneValueAtATime() {
        let layout = layout()
        let groups = ParameterGroups(layout: layout, layers: 2, layerDecay: 0.8, frozenLayers: 0)
        let frozenGroups = ParameterGroups(layout: layout, layers: 2, layerDecay: 0.8, frozenLayers: 1)
        XCTAssertGreaterThan(frozenGroups.trainedOffset, 0, "the frozen case must put the moments at an offset")
        for groups in [groups, frozenGroups] {
            let settings = AdamW.Settings(beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05)
            let optimizer = AdamW(layout: layout, settings: settings, groups: groups)
            var generator = SystemRandomNumberGenerator()
            let n = layout.totalCount
            let parameters = FloatBuffer(count: n), gradients = FloatBuffer(count: n)
            var p = randomValues(n, scale: 1, generator: &generator)
            var m = [Float](repeating: 0, count: n), v = [Float](repeating: 0, count: n)
            for i in 0..<n { parameters.pointer[i] = p[i] }
            for step in 1...4 {
                // Gradients of every magnitude, exact zeros among them (untouched embedding rows).
                let g = randomValues(n, scale: step == 2 ? 1e-6 : 3, generator: &generator)
                    .enumerated().map { $0.offset % 11 == 0 ? 0 : $0.element }
                for i in 0..<n { gradients.pointer[i] = g[i] }
                let lr: Float = 2e-3 / Float(step)
                optimizer.update(parameters: parameters, gradients: gradients, lr: lr)

                // The settings are Float: the bias corrections start from the Float betas.
                let bias1 = 1 - pow(Double(settings.beta1), Double(step))
                let bias2Sqrt = (1 - pow(Double(settings.beta2), Double(step))).squareRoot()
                for (range, decays, scale) in groups.entries {
                    let rate = scale == 1 ? lr : Float(Double(lr) * scale)
                    let stepSize = Float(Double(rate) / bias1)
                    let decay: Float = decays ? 1 - rate * 0.05 : 1
                    for i in range {
                        m[i] = m[i] + (1 - 0.9) * (g[i] - m[i])
                        v[i] = 0.999 * v[i] + (1 - 0.999) * g[i] * g[i]
                        let denominator = v[i].squareRoot() * Float(1 / bias2Sqrt) + 1e-8
                        p[i] = p[i] * decay - stepSize * m[i] / denominator
                    }
                }
                for i in 0..<n where parameters.pointer[i].bitPattern != p[i].bitPattern {
                    return XCTFail("step \(step), value \(i) (trained from \(groups.trainedOffset)): "
                                   + "\(parameters.pointer[i]) against \(p[i])")
                }
            }
        }
    }
}
