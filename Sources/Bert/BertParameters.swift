import Numerics

/// Offsets of a Linear layer's tensors in the flat parameter buffer.
/// weight: (O, I), bias: (O)
struct LinearParameters {
    let weight: Int
    let bias: Int
    let inFeatures: Int
    let outFeatures: Int
}

/// Offsets of a LayerNorm's tensors. weight, bias: (C)
struct LayerNormParameters {
    let weight: Int
    let bias: Int
}

extension LinearParameters {
    /// The weight and bias gradients in the flat gradient buffer `g`; both nil when `g` is nil
    /// (a pass without parameter gradients, see `ParameterGradients`).
    func gradients(in g: UnsafeMutablePointer<Float>?) -> (weight: UnsafeMutablePointer<Float>?, bias: UnsafeMutablePointer<Float>?) {
        guard let g else { return (nil, nil) }
        return (g + weight, g + bias)
    }
}

extension LayerNormParameters {
    /// As `LinearParameters.gradients(in:)`.
    func gradients(in g: UnsafeMutablePointer<Float>?) -> (weight: UnsafeMutablePointer<Float>?, bias: UnsafeMutablePointer<Float>?) {
        guard let g else { return (nil, nil) }
        return (g + weight, g + bias)
    }
}

/// The checkpoint keys of a BERT with its heads, in one flat layout (see `ParameterLayout`).
///
/// Names carry the `bert.` prefix of the transformers task classes. Within each layer the
/// query, key and value weights are adjacent, and so are their biases: together they are one
/// (3C, C) weight and one (3C) bias, so Q, K and V come from a single GEMM with no copy.
public enum BertParameters {
    public static func layout(config: BertConfig, heads: BertHeads) -> ParameterLayout {
        let C = config.hiddenSize, I = config.intermediateSize
        var layout = ParameterLayout()
        func linear(_ prefix: String, out: Int, in inFeatures: Int) {
            layout.append(prefix + ".weight", shape: [out, inFeatures])
            layout.append(prefix + ".bias", shape: [out])
        }
        func layerNorm(_ prefix: String) {
            layout.append(prefix + ".weight", shape: [C])
            layout.append(prefix + ".bias", shape: [C])
        }
        layout.append("bert.embeddings.word_embeddings.weight", shape: [config.vocabSize, C])
        layout.append("bert.embeddings.position_embeddings.weight", shape: [config.maxPositionEmbeddings, C])
        layout.append("bert.embeddings.token_type_embeddings.weight", shape: [config.typeVocabSize, C])
        layerNorm("bert.embeddings.LayerNorm")
        for l in 0..<config.numHiddenLayers {
            let p = "bert.encoder.layer.\(l)."
            for part in ["query", "key", "value"] { layout.append(p + "attention.self.\(part).weight", shape: [C, C]) }
            for part in ["query", "key", "value"] { layout.append(p + "attention.self.\(part).bias", shape: [C]) }
            linear(p + "attention.output.dense", out: C, in: C)
            layerNorm(p + "attention.output.LayerNorm")
            linear(p + "intermediate.dense", out: I, in: C)
            linear(p + "output.dense", out: C, in: I)
            layerNorm(p + "output.LayerNorm")
        }
        let heads = heads.normalized
        if heads.contains(.pooler) { linear("bert.pooler.dense", out: C, in: C) }
        if heads.contains(.classifier) { linear("classifier", out: config.numLabels, in: C) }
        if heads.contains(.maskedLM) {
            linear("cls.predictions.transform.dense", out: C, in: C)
            layerNorm("cls.predictions.transform.LayerNorm")
            layout.append("cls.predictions.bias", shape: [config.vocabSize])
        }
        if heads.contains(.nextSentence) { linear("cls.seq_relationship", out: 2, in: C) }
        return layout
    }

    static func linear(_ layout: ParameterLayout, _ prefix: String) -> LinearParameters {
        let weight = layout[prefix + ".weight"]!, bias = layout[prefix + ".bias"]!
        return LinearParameters(weight: weight.offset, bias: bias.offset,
                                inFeatures: weight.shape[1], outFeatures: weight.shape[0])
    }

    static func layerNorm(_ layout: ParameterLayout, _ prefix: String) -> LayerNormParameters {
        LayerNormParameters(weight: layout[prefix + ".weight"]!.offset, bias: layout[prefix + ".bias"]!.offset)
    }
}
