import Numerics

/// transformers `BertLMPredictionHead`: transform = LayerNorm(GELU(dense(h))), then
/// logits = transform · Eᵀ + bias with E the word embeddings (the decoder weight is tied).
struct BertLMPredictionHead {
    let transform: LinearParameters       // weight (C, C), bias (C)
    let layerNorm: LayerNormParameters
    let decoderWeight: Int                // (V, C) = bert.embeddings.word_embeddings.weight
    let decoderBias: Int                  // (V) cls.predictions.bias
    let vocabSize: Int
    let eps: Float

    init(layout: ParameterLayout, config: BertConfig) {
        transform = BertParameters.linear(layout, "cls.predictions.transform.dense")
        layerNorm = BertParameters.layerNorm(layout, "cls.predictions.transform.LayerNorm")
        decoderWeight = layout["bert.embeddings.word_embeddings.weight"]!.offset
        decoderBias = layout["cls.predictions.bias"]!.offset
        vocabSize = config.vocabSize
        eps = Float(config.layerNormEps)
    }

    /// - logits: (N, V), overwritten
    /// - transformed: (N, C) LayerNorm output; pre: (N, C) dense output; activated: (N, C) GELU
    /// - mean, rstd: (N)
    /// - hidden: (N, C) encoder output rows
    func forward(logits: UnsafeMutablePointer<Float>, transformed: UnsafeMutablePointer<Float>,
                 pre: UnsafeMutablePointer<Float>, activated: UnsafeMutablePointer<Float>,
                 mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                 hidden: UnsafePointer<Float>, rows: Int, params w: UnsafeMutablePointer<Float>) {
        let C = transform.outFeatures
        Linear.forward(out: pre, inp: hidden, weight: w + transform.weight, bias: w + transform.bias,
                       rows: rows, inFeatures: C, outFeatures: C)
        GELU.forward(out: activated, inp: pre, count: rows * C)
        LayerNorm.forward(out: transformed, mean: mean, rstd: rstd, inp: activated, weight: w + layerNorm.weight,
                          bias: w + layerNorm.bias, rows: rows, channels: C, eps: eps)
        Linear.forward(out: logits, inp: transformed, weight: w + decoderWeight, bias: w + decoderBias,
                       rows: rows, inFeatures: C, outFeatures: vocabSize)
    }

    /// - dhidden: (N, C) accumulated (+=)
    /// - dtransformed, dpre: (N, C) scratch
    /// - dlogits: (N, V)
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dhidden: UnsafeMutablePointer<Float>, dtransformed: UnsafeMutablePointer<Float>,
                  dpre: UnsafeMutablePointer<Float>, dlogits: UnsafePointer<Float>,
                  transformed: UnsafePointer<Float>, pre: UnsafePointer<Float>, activated: UnsafePointer<Float>,
                  mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, hidden: UnsafePointer<Float>,
                  rows: Int, params w: UnsafeMutablePointer<Float>, grads g: UnsafeMutablePointer<Float>?) {
        let C = transform.outFeatures
        Linear.backward(dinp: dtransformed, dweight: g.map { $0 + decoderWeight }, dbias: g.map { $0 + decoderBias }, dout: dlogits,
                        inp: transformed, weight: w + decoderWeight, rows: rows, inFeatures: C, outFeatures: vocabSize)
        let dnorm = layerNorm.gradients(in: g), dtransform = transform.gradients(in: g)
        LayerNorm.backward(dinp: dpre, dweight: dnorm.weight, dbias: dnorm.bias, dout: dtransformed,
                           inp: activated, weight: w + layerNorm.weight, mean: mean, rstd: rstd, rows: rows, channels: C)
        GELU.backward(dinp: dpre, inp: pre, dout: dpre, count: rows * C)
        Linear.backward(dinp: dhidden, dweight: dtransform.weight, dbias: dtransform.bias, dout: dpre,
                        inp: hidden, weight: w + transform.weight, rows: rows, inFeatures: C, outFeatures: C,
                        accumulateInput: true)
    }
}
