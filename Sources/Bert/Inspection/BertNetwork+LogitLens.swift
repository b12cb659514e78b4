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
        var logits = [Float](repeating: 0, count: R * V)
        var transformed = [Float](repeating: 0, count: R * C), pre = transformed, activated = transformed
        var mean = [Float](repeating: 0, count: R), rstd = mean
        hidden.withUnsafeBufferPointer { h in
            logits.withUnsafeMutableBufferPointer { l in
                transformed.withUnsafeMutableBufferPointer { t in
                    pre.withUnsafeMutableBufferPointer { p in
                        activated.withUnsafeMutableBufferPointer { a in
                            mean.withUnsafeMutableBufferPointer { m in
                                rstd.withUnsafeMutableBufferPointer { r in
                                    predictions.forward(logits: l.baseAddress!, transformed: t.baseAddress!, pre: p.baseAddress!,
                                                        activated: a.baseAddress!, mean: m.baseAddress!, rstd: r.baseAddress!,
                                                        hidden: h.baseAddress!, rows: R, params: parameters.pointer)
                                }
                            }
                        }
                    }
                }
            }
        }
        return logits
    }

    /// Classifier logits of one sequence's hidden states (T, C) -> (L): the pooler on its [CLS]
    /// row, then the classifier (evaluation mode, no dropout).
    public func classifierLogits(hidden: [Float]) throws -> [Float] {
        guard let pooler, let classifier else { throw BertError(.argument, "the model has no classifier head (it has \(heads))") }
        let C = config.hiddenSize, L = config.numLabels
        precondition(hidden.count >= C && hidden.count % C == 0, "hidden rows of C values")
        var pooled = [Float](repeating: 0, count: C), preactivation = pooled
        var logits = [Float](repeating: 0, count: L)
        hidden.withUnsafeBufferPointer { h in
            pooled.withUnsafeMutableBufferPointer { p in
                preactivation.withUnsafeMutableBufferPointer { pre in
                    pooler.forward(pooled: p.baseAddress!, preactivation: pre.baseAddress!, hidden: h.baseAddress!,
                                   B: 1, T: hidden.count / C, params: parameters.pointer)
                }
            }
        }
        pooled.withUnsafeBufferPointer { p in
            logits.withUnsafeMutableBufferPointer { l in
                classifier.forward(logits: l.baseAddress!, dropped: UnsafeMutablePointer(mutating: p.baseAddress!),
                                   pooled: p.baseAddress!, mask: nil, B: 1, params: parameters.pointer)
            }
        }
        return logits
    }
}
