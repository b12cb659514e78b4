import Foundation

/// Integrated gradients at the embeddings' output, as captum's
/// `LayerIntegratedGradients(model, model.bert.embeddings).attribute(..., method="riemann_trapezoid")`
/// defines it (captum/attr/_core/integrated_gradients.py and _utils/approximation_methods.py):
///
///     e, e'  = the embeddings' output of the input and of the baseline              (T, C)
///     α_k    = k / (n − 1),  k = 0 ..< n                      (torch.linspace(0, 1, n))
///     δ_k    = 1 / n, with δ_0 and δ_(n−1) halved       (captum's weights: they sum to 1 − 1/n)
///     A      = (e − e') ⊙ Σ_k δ_k · ∇f(e' + α_k (e − e'))                              (T, C)
///     a_t    = Σ_c A[t, c]                                          per token (T)
///
/// f is the target's logit. Completeness says Σ_t a_t ≈ f(e) − f(e'); with captum's weights the
/// sum is short by about 1/n of it even for a straight-line f, so `steps: 50` cannot get closer
/// than 2%.
///
///     let ig = IntegratedGradients(network: network)
///     let result = try ig.attribute(ids: [101, 2307, 102], typeIds: [0, 0, 0], baselineIds: [101, 0, 102],
///                                   target: 1, steps: 50)
///     result.tokenAttributions   // (T)
///
/// The n scaled inputs run as batches of at most `tokenBudget` tokens (B = budget / T rows).
public struct IntegratedGradients {
    public let network: BertNetwork
    /// Rows × tokens per forward + backward pass: bounds the training arena (about 160 KB per
    /// token for MiniLM, 650 KB for bert-base).
    public var tokenBudget: Int = 1024

    public init(network: BertNetwork) { self.network = network }

    public struct Result: Equatable {
        /// (T) Σ over the hidden dimension of the attributions
        public let tokenAttributions: [Double]
        /// f(input) and f(baseline): the target's logit
        public let inputValue: Double
        public let baselineValue: Double
        public let steps: Int

        /// Σ attributions − (f(input) − f(baseline)), captum's convergence delta.
        public var delta: Double { tokenAttributions.reduce(0, +) - (inputValue - baselineValue) }

        /// |delta| / |f(input) − f(baseline)| (0 when both are 0; infinite when only the gap is 0).
        public var relativeDelta: Double {
            let gap = abs(inputValue - baselineValue)
            if gap == 0 { return delta == 0 ? 0 : .infinity }
            return abs(delta) / gap
        }
    }

    /// captum's riemann_trapezoid step sizes δ (n).
    public static func stepSizes(_ n: Int) -> [Double] {
        var steps = [Double](repeating: 1 / Double(n), count: n)
        steps[0] /= 2
        steps[n - 1] /= 2
        return steps
    }

    /// captum's riemann_trapezoid α (n): linspace(0, 1, n).
    public static func alphas(_ n: Int) -> [Double] {
        (0..<n).map { Double($0) / Double(n - 1) }
    }

    /// Attributions of one sequence.
    /// - ids, typeIds, baselineIds: (T)
    /// - target: the class whose logit is explained
    /// - steps: n ≥ 2
    /// - checkInterrupt: called before every batch of steps and every layer
    public func attribute(ids: [Int32], typeIds: [Int32], baselineIds: [Int32], target: Int, steps n: Int,
                          checkInterrupt: () throws -> Void = {}) throws -> Result {
        let T = ids.count, C = network.config.hiddenSize, L = network.config.numLabels
        guard n >= 2 else { throw BertError(.argument, "integrated gradients needs at least 2 steps (got \(n))") }
        guard T > 0, typeIds.count == T, baselineIds.count == T else {
            throw BertError(.argument, "input, token types and baseline must have the same positive length")
        }
        guard (0..<L).contains(target) else { throw BertError(.argument, "target \(target) is outside 0..<\(L)") }
        let ends = try BertBatch(batchSize: 2, sequenceLength: T, inputIds: ids + baselineIds, tokenTypeIds: typeIds + typeIds)
        let (both, endLogits) = try network.embeddingOutput(ends)
        guard let endLogits else { throw BertError(.argument, "the model has no classifier head") }
        let e = both[0..<(T * C)].map(Double.init), e0 = both[(T * C)...].map(Double.init)
        let difference = zip(e, e0).map { $0 - $1 }
        let alphas = Self.alphas(n), weights = Self.stepSizes(n)
        var total = [Double](repeating: 0, count: T * C)   // (T, C) Σ_k δ_k ∇f
        let rows = max(1, min(n, tokenBudget / T))
        var start = 0
        while start < n {
            try checkInterrupt()
            let count = min(rows, n - start)
            var scaled = [Float](repeating: 0, count: count * T * C)  // (count, T, C)
            for r in 0..<count {
                let alpha = alphas[start + r]
                for i in 0..<(T * C) { scaled[r * T * C + i] = Float(e0[i] + alpha * difference[i]) }
            }
            let batch = try BertBatch(batchSize: count, sequenceLength: T,
                                      inputIds: Array((0..<count).map { _ in ids }.joined()),
                                      tokenTypeIds: Array((0..<count).map { _ in typeIds }.joined()))
            let (gradient, _) = try network.logitGradientAtEmbeddings(
                batch, embeddings: scaled, targets: [Int](repeating: target, count: count), checkInterrupt: checkInterrupt)
            for r in 0..<count {
                let weight = weights[start + r]
                for i in 0..<(T * C) { total[i] += weight * Double(gradient[r * T * C + i]) }
            }
            start += count
        }
        let tokens = (0..<T).map { t in (0..<C).reduce(0.0) { $0 + total[t * C + $1] * difference[t * C + $1] } }
        let inputValue = Double(endLogits[target]), baselineValue = Double(endLogits[L + target])
        guard tokens.allSatisfy(\.isFinite), inputValue.isFinite, baselineValue.isFinite else {
            throw BertError(.numeric, "the attributions are not finite; the model's weights may be corrupt")
        }
        return Result(tokenAttributions: tokens, inputValue: inputValue, baselineValue: baselineValue, steps: n)
    }
}
