import Numerics

/// The heads applied to hidden states of any layer ("logit lens"): what the masked-LM head or the
/// pooler + classifier would output if the encoder stopped there. The heads were trained on the
/// last layer only; earlier layers are read through them as they are.
extension BertNetwork {
    /// Masked-LM logits of hidden rows: (R, C) -> (R, V), through `cls.predictions` (transform
    /// dense, GELU, LayerNorm, the decoder tied to the word embeddings, plus its bias).
    public func maskedLMLogits(hidden: [Float]) throws -> [Float] {
        guard let predictions else { throw BertError(.argument, "the model has no masked-LM head (it has \(heads))") }
        let C = config.hiddenSize, V = config.vocabSize, R = hidden.count / C
        precondition(hidden.count == R * C, "hidden rows of C values")
        // One scratch buffer for the head's intermediates: (R, V) logits, three (R, C), two (R).
        var plan = ArenaPlan()
        let logits = plan.take(R, V), transformed = plan.take(R, C), pre = plan.take(R, C)
        let activated = plan.take(R, C), mean = plan.take(R), rstd = plan.take(R)
        let m = FloatBuffer(count: plan.totalCount)
        hidden.withMatrixView(rows: R, columns: C) { h in
            predictions.forward(logits: m[logits], transformed: m[transformed], pre: m[pre], activated: m[activated],
                                mean: m.vector(mean), rstd: m.vector(rstd), hidden: h, params: parameters)
        }
        return m[logits].array
    }

    /// Classifier logits of one sequence's hidden states (T, C) -> (L): the pooler on its [CLS]
    /// row, then the classifier (evaluation mode, no dropout).
    public func classifierLogits(hidden: [Float]) throws -> [Float] {
        guard let pooler, let classifier else { throw BertError(.argument, "the model has no classifier head (it has \(heads))") }
        let C = config.hiddenSize, L = config.numLabels
        precondition(hidden.count >= C && hidden.count % C == 0, "hidden rows of C values")
        let T = hidden.count / C
        var plan = ArenaPlan()
        let pooled = plan.take(1, C), preactivation = plan.take(1, C), logits = plan.take(1, L)
        let m = FloatBuffer(count: plan.totalCount)
        hidden.withMatrixView(rows: T, columns: C) { h in
            pooler.forward(pooled: m[pooled], preactivation: m[preactivation], hidden: h, T: T, params: parameters)
        }
        // No dropout mask: `dropped` is not written.
        classifier.forward(logits: m[logits], dropped: m[pooled], pooled: m[pooled].readOnly, mask: nil,
                           params: parameters)
        return m[logits].array
    }
}
