import Numerics

/// Where a Linear layer's tensors lie in the flat parameter buffer, and their views.
/// weight: (O, I), bias: (O)
struct LinearParameters {
    let weightOffset: Int
    let biasOffset: Int
    let inFeatures: Int
    let outFeatures: Int

    /// (O, I) in the parameters `w`.
    func weight(_ w: FloatBuffer) -> MatrixView {
        w.matrix(offset: weightOffset, rows: outFeatures, columns: inFeatures).readOnly
    }

    /// (O) in the parameters `w`.
    func bias(_ w: FloatBuffer) -> VectorView { w.vector(offset: biasOffset, count: outFeatures).readOnly }

    /// The weight and bias gradients in the flat gradient buffer `g`; both nil when `g` is nil
    /// (a pass without parameter gradients, see `ParameterGradients`).
    func gradients(in g: FloatBuffer?) -> (weight: MutableMatrixView?, bias: MutableVectorView?) {
        guard let g else { return (nil, nil) }
        return (g.matrix(offset: weightOffset, rows: outFeatures, columns: inFeatures),
                g.vector(offset: biasOffset, count: outFeatures))
    }
}

/// Where a LayerNorm's tensors lie, and their views. weight, bias: (C)
struct LayerNormParameters {
    let weightOffset: Int
    let biasOffset: Int
    let channels: Int

    func weight(_ w: FloatBuffer) -> VectorView { w.vector(offset: weightOffset, count: channels).readOnly }
    func bias(_ w: FloatBuffer) -> VectorView { w.vector(offset: biasOffset, count: channels).readOnly }

    /// As `LinearParameters.gradients(in:)`.
    func gradients(in g: FloatBuffer?) -> (weight: MutableVectorView?, bias: MutableVectorView?) {
        guard let g else { return (nil, nil) }
        return (g.vector(offset: weightOffset, count: channels), g.vector(offset: biasOffset, count: channels))
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
        return LinearParameters(weightOffset: weight.offset, biasOffset: bias.offset,
                                inFeatures: weight.shape[1], outFeatures: weight.shape[0])
    }

    static func layerNorm(_ layout: ParameterLayout, _ prefix: String) -> LayerNormParameters {
        let weight = layout[prefix + ".weight"]!
        return LayerNormParameters(weightOffset: weight.offset, biasOffset: layout[prefix + ".bias"]!.offset,
                                   channels: weight.shape[0])
    }
}
