import Numerics

/// The two passes attribution methods need: the embeddings' output of a batch, and the gradient
/// of chosen logits with respect to an embeddings' output the caller supplies (captum's
/// `LayerIntegratedGradients` on `bert.embeddings` replaces that layer's output with a hook).
/// The gradient comes from the one backward pass (`backwardToEmbeddings`), stopped where the
/// embeddings' own backward would begin.
extension BertNetwork {
    /// The embeddings' output (after LayerNorm; no dropout), evaluation mode: (B, T, C), and the
    /// classifier logits (B, L) of the same pass when the model has a classifier.
    public func embeddingOutput(_ batch: BertBatch) throws -> (embeddings: [Float], logits: [Float]?) {
        let a = try forward(batch, need: heads.intersection([.pooler, .classifier]), training: false, dropoutSeed: nil)
        let m = a.arena
        return (m[a.embeddingOut].array, heads.contains(.classifier) ? m[a.logits].array : nil)
    }

    /// The gradient of Σ_b logits[b, targets[b]] with respect to the embeddings' output, when
    /// `embeddings` replaces that output (evaluation semantics, no dropout). Rows do not interact,
    /// so row b of the result is d logits[b, targets[b]] / d embeddings[b].
    /// - batch: (B, T) its attention mask and token types are used; its ids only index the
    ///   embedding tables, which `embeddings` replaces
    /// - embeddings: (B, T, C)
    /// - targets: (B) a class id per row
    /// - Returns: gradient (B, T, C) and the logits (B, L) of the same pass
    ///
    /// - parameterGradients: `.none` (the default) skips every parameter gradient, about a third
    ///   of the backward's work (issue 17), and leaves `gradients` untouched. `.all` computes them
    ///   too, as training does, and zeroes `gradients` before returning (a later training step
    ///   starts from zero as it always does); the result is the same bit for bit, which the tests
    ///   check.
    public func logitGradientAtEmbeddings(_ batch: BertBatch, embeddings: [Float], targets: [Int],
                                          parameterGradients: ParameterGradients = .none,
                                          checkInterrupt: () throws -> Void = {}) throws -> (gradient: [Float], logits: [Float]) {
        let B = batch.batchSize, T = batch.sequenceLength, C = config.hiddenSize, L = config.numLabels
        guard heads.contains(.classifier) else { throw BertError(.argument, "the model has no classifier head") }
        guard embeddings.count == B * T * C else {
            throw BertError(.argument, "embeddings hold \(embeddings.count) values, expected \(B) x \(T) x \(C)")
        }
        guard targets.count == B, targets.allSatisfy({ (0..<L).contains($0) }) else {
            throw BertError(.argument, "one target class in 0..<\(L) per row is needed")
        }
        let need: BertHeads = [.pooler, .classifier]
        let a = try embeddings.withMatrixView(rows: B * T, columns: C) { e in
            try forward(batch, need: need, training: true, dropoutSeed: nil, embeddingOutput: e,
                        checkInterrupt: checkInterrupt)
        }
        let s = a.scratch!, m = a.arena
        let logits = m[a.logits].array
        // d (Σ_b logit[b, target_b]) / d logits: one-hot rows.
        let dLogits = m[s.dLogits]
        dLogits.fill(0)
        for b in 0..<B { dLogits[b, targets[b]] = 1 }
        defer { if parameterGradients != .none { zeroGradients() } }
        let (dEmbeddings, _) = try backwardToEmbeddings(a, s, need: need, parameterGradients: parameterGradients,
                                                        checkInterrupt: checkInterrupt)
        return (dEmbeddings.array, logits)
    }
}
