import Numerics

/// Training the heads alone on a frozen encoder (`train(freeze: "encoder")`, issue 18 part 4):
/// the encoder's output that the heads read, the [CLS] row of the last hidden state, is computed
/// once per example (`encoderFeatures`), and every step runs only the pooler and the classifier
/// on those rows (`forwardBackwardHeads`).
///
///     let features = try network.encoderFeatures(batch)                 // (B, C)
///     let (report, logits) = try network.forwardBackwardHeads(features: features, batchSize: B,
///                                                             labels: .classes(y), dropoutSeed: 42)
///
/// The cached encoder runs in evaluation mode, without dropout: a cache is only the same as
/// running the encoder at every step when the encoder's output does not change from step to
/// step, and with dropout it would (transformers in train mode drops out in frozen layers too).
/// The heads keep their training-mode dropout.
extension BertNetwork {
    /// (B, C) the last hidden state's first ([CLS]) row of each sequence, in evaluation mode.
    public func encoderFeatures(_ batch: BertBatch, checkInterrupt: () throws -> Void = {}) throws -> [Float] {
        let a = try forward(batch, need: [], training: false, dropoutSeed: nil, checkInterrupt: checkInterrupt)
        return a.arena[a.lastHidden].readOnly.strided(every: a.T).array
    }

    /// Forward, loss and backward of the pooler and the classifier alone, on `features` (B, C)
    /// from `encoderFeatures`: the gradients of `scale · loss` are added to the heads' entries of
    /// `gradients` (no other entry is touched). Returns the losses and the (B, L) logits.
    /// - dropoutSeed: the classifier's dropout mask is the one `forwardBackward` draws from the
    ///   same seed (the same slot of `makeDropoutMasks`); nil for none
    public func forwardBackwardHeads(features: [Float], batchSize B: Int, labels: BertLabels,
                                     options: LossOptions = LossOptions(), scale: Float = 1,
                                     dropoutSeed: UInt64? = nil) throws -> (report: BertLossReport, logits: [Float]) {
        let C = config.hiddenSize
        guard heads.contains(.classifier) else { throw BertError(.argument, "training the heads alone needs a classifier") }
        guard !labels.heads.contains(.maskedLM), !labels.heads.contains(.nextSentence) else {
            throw BertError(.argument, "a frozen encoder's cached features train the classifier only")
        }
        guard B > 0, features.count == B * C else {
            throw BertError(.argument, "features: \(features.count) values for \(B) rows of \(C)")
        }
        try validate(labels, B: B, T: 1, options: options)
        // An arena of one token per sequence: its last hidden state holds the [CLS] rows.
        let a = try activations(B: B, T: 1, training: true, dropout: dropoutSeed != nil, keepAttentions: false)
        let m = a.arena, s = a.scratch!
        m.vector(a.lastHidden).copy(from: features)
        if let seed = dropoutSeed { makeDropoutMasks(a, seed: seed, firstExample: 0) }
        headsForward(a, hidden: m[a.lastHidden].readOnly, need: labels.heads)
        let report = try taskLoss(labels, a, s, options: options, scale: scale)
        headsBackward(a, s, need: labels.heads, parameterGradients: .fromLayer(layers.count))
        let logits = m[a.logits].array
        return (report, logits)
    }
}
