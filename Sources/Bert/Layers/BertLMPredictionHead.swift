import Numerics

/// transformers `BertLMPredictionHead`: transform = LayerNorm(GELU(dense(h))), then
/// logits = transform · Eᵀ + bias with E the word embeddings (the decoder weight is tied).
struct BertLMPredictionHead {
    let transform: LinearParameters       // weight (C, C), bias (C)
    let layerNorm: LayerNormParameters
    /// weight (V, C) = bert.embeddings.word_embeddings.weight, bias (V) = cls.predictions.bias
    let decoder: LinearParameters
    let eps: Float

    init(layout: ParameterLayout, config: BertConfig) {
        transform = BertParameters.linear(layout, "cls.predictions.transform.dense")
        layerNorm = BertParameters.layerNorm(layout, "cls.predictions.transform.LayerNorm")
        decoder = LinearParameters(weightOffset: layout["bert.embeddings.word_embeddings.weight"]!.offset,
                                   biasOffset: layout["cls.predictions.bias"]!.offset,
                                   inFeatures: config.hiddenSize, outFeatures: config.vocabSize)
        eps = Float(config.layerNormEps)
    }

    /// - logits: (N, V), overwritten
    /// - transformed: (N, C) LayerNorm output; pre: (N, C) dense output; activated: (N, C) GELU
    /// - mean, rstd: (N)
    /// - hidden: (N, C) encoder output rows
    func forward(logits: MutableMatrixView, transformed: MutableMatrixView, pre: MutableMatrixView,
                 activated: MutableMatrixView, mean: MutableVectorView, rstd: MutableVectorView,
                 hidden: MatrixView, params w: FloatBuffer) {
        Linear.forward(out: pre, inp: hidden, weight: transform.weight(w), bias: transform.bias(w))
        GELU.forward(out: activated, inp: pre.readOnly)
        LayerNorm.forward(out: transformed, mean: mean, rstd: rstd, inp: activated.readOnly,
                          weight: layerNorm.weight(w), bias: layerNorm.bias(w), eps: eps)
        Linear.forward(out: logits, inp: transformed.readOnly, weight: decoder.weight(w), bias: decoder.bias(w))
    }

    /// - dhidden: (N, C) accumulated (+=)
    /// - dtransformed, dpre: (N, C) scratch
    /// - dlogits: (N, V)
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dhidden: MutableMatrixView, dtransformed: MutableMatrixView, dpre: MutableMatrixView,
                  dlogits: MatrixView, transformed: MatrixView, pre: MatrixView, activated: MatrixView,
                  mean: VectorView, rstd: VectorView, hidden: MatrixView,
                  params w: FloatBuffer, grads g: FloatBuffer?) {
        let ddecoder = decoder.gradients(in: g)
        Linear.backward(dinp: dtransformed, dweight: ddecoder.weight, dbias: ddecoder.bias, dout: dlogits,
                        inp: transformed, weight: decoder.weight(w))
        let dnorm = layerNorm.gradients(in: g), dtransform = transform.gradients(in: g)
        LayerNorm.backward(dinp: dpre, dweight: dnorm.weight, dbias: dnorm.bias, dout: dtransformed.readOnly,
                           inp: activated, weight: layerNorm.weight(w), mean: mean, rstd: rstd)
        GELU.backward(dinp: dpre, inp: pre, dout: dpre.readOnly)
        Linear.backward(dinp: dhidden, dweight: dtransform.weight, dbias: dtransform.bias, dout: dpre.readOnly,
                        inp: hidden, weight: transform.weight(w), accumulateInput: true)
    }
}
