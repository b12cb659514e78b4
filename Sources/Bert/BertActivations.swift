import Numerics

/// One encoder layer's saved activations (slices of the arena).
struct BertLayerActivations {
    let qkv: ArenaSlice               // (B, T, 3C)
    let probs: ArenaSlice             // (B, H, T, T) softmax, before dropout
    let probsMask: ArenaSlice?        // (B, H, T, T) dropout mask
    let context: ArenaSlice           // (B, T, C)
    let attentionSum: ArenaSlice      // (B, T, C) dropout(dense(context)) + input
    let attentionMean: ArenaSlice     // (B, T)
    let attentionRstd: ArenaSlice     // (B, T)
    let attentionMask: ArenaSlice?    // (B, T, C)
    let attentionOut: ArenaSlice      // (B, T, C)
    let intermediatePre: ArenaSlice   // (B, T, I)
    let intermediate: ArenaSlice      // (B, T, I) GELU output; one buffer for all layers (see below)
    let outSum: ArenaSlice            // (B, T, C)
    let outMean: ArenaSlice           // (B, T)
    let outRstd: ArenaSlice           // (B, T)
    let outMask: ArenaSlice?          // (B, T, C)
    let out: ArenaSlice               // (B, T, C) the layer's output (hidden state)
}

/// Gradient buffers the backward pass reuses from layer to layer.
struct BertBackwardScratch {
    let dHiddenA: ArenaSlice          // (B, T, C) ping
    let dHiddenB: ArenaSlice          // (B, T, C) pong
    let dAttentionOut: ArenaSlice     // (B, T, C)
    let dIntermediate: ArenaSlice     // (B, T, I)
    let dContext: ArenaSlice          // (B, T, C)
    let dQKV: ArenaSlice              // (B, T, 3C)
    let dSum: ArenaSlice              // (B, T, C)
    let attention: ArenaSlice         // AttentionCore.backwardScratchCount
    let dPooled: ArenaSlice           // (B, C)
    let dHeadSmall: ArenaSlice        // (B, C) classifier/NSP dropout scratch
    let dLogits: ArenaSlice           // (B, L)
    let dNSPLogits: ArenaSlice        // (B, 2)
    let dTransform: ArenaSlice        // (B, T, C)  MLM head
    let dTransformPre: ArenaSlice     // (B, T, C)
    let dPredictionLogits: ArenaSlice // (B, T, V)
}

/// Every activation of one forward pass at batch shape (B, T), planned once and carved from one
/// allocation (llm.c `ActivationTensors`). Made for a (B, T, mode) and reused while the batch
/// shape stays the same; `training` keeps every layer's activations and adds the dropout masks and
/// the backward scratch, inference shares one layer's buffers between all layers.
///
/// With dynamic padding the shape changes almost every batch, so a new plan may carve its slices
/// out of the previous arena when that is large enough (`reusing`): no pass then allocates and
/// page-faults hundreds of megabytes. Nothing relies on an arena's initial zeros (every slice is
/// written before it is read within a pass, as it must be for the second batch of one shape).
final class BertActivations {
    let B: Int
    let T: Int
    let training: Bool
    let dropout: Bool
    /// Whether every layer's attention probabilities survive the pass (always when training).
    let keepAttentions: Bool
    let arena: FloatBuffer

    /// (B·T) the batch's token ids and token type ids, set by each forward pass
    var ids: [Int32] = []
    var types: [Int32] = []
    let keyMask: ArenaSlice           // (B, T)
    let embeddingSum: ArenaSlice      // (B, T, C)
    let embeddingMean: ArenaSlice     // (B, T)
    let embeddingRstd: ArenaSlice     // (B, T)
    let embeddingNormed: ArenaSlice   // (B, T, C)
    let embeddingMask: ArenaSlice?    // (B, T, C)
    let embeddingOut: ArenaSlice      // (B, T, C) (= embeddingNormed without dropout)
    let layers: [BertLayerActivations]
    let attentionScratch: ArenaSlice  // AttentionCore.forwardScratchCount
    let clsInput: ArenaSlice          // (B, C) inference: the last layer's [CLS] input rows
    let clsContext: ArenaSlice        // (B, C) inference: their attention context
    let poolerPre: ArenaSlice         // (B, C)
    let pooled: ArenaSlice            // (B, C)
    let classifierMask: ArenaSlice?   // (B, C)
    let classifierInput: ArenaSlice   // (B, C) dropout(pooled)
    let logits: ArenaSlice            // (B, L)
    let transformPre: ArenaSlice      // (B, T, C) MLM transform dense output
    let transformGELU: ArenaSlice     // (B, T, C)
    let transformMean: ArenaSlice     // (B, T)
    let transformRstd: ArenaSlice     // (B, T)
    let transformOut: ArenaSlice      // (B, T, C)
    let predictionLogits: ArenaSlice  // (B, T, V)
    let nspLogits: ArenaSlice         // (B, 2)
    let scratch: BertBackwardScratch?

    /// - reusing: an earlier arena to carve from if it holds `plan.totalCount` floats; set to nil
    ///   when it is too small, before the new arena is allocated, so that the two never coexist
    ///   (growing from T = 64 to 128 at batch 32 would otherwise hold both, 0.5 GB more at the peak)
    init(config: BertConfig, heads: BertHeads, B: Int, T: Int, training: Bool, dropout: Bool, keepAttentions: Bool,
         reusing previous: inout FloatBuffer?) throws {
        self.B = B
        self.T = T
        self.training = training
        self.dropout = dropout
        self.keepAttentions = training || keepAttentions
        let C = config.hiddenSize, H = config.numAttentionHeads, I = config.intermediateSize
        let V = config.vocabSize, L = config.numLabels, BT = B * T
        let masked = training && dropout
        var plan = ArenaPlan()
        func maybe(_ condition: Bool, _ rows: Int, _ columns: Int) -> ArenaSlice? {
            condition ? plan.take(rows, columns) : nil
        }
        keyMask = plan.take(BT)
        embeddingSum = plan.take(BT, C)
        embeddingMean = plan.take(BT)
        embeddingRstd = plan.take(BT)
        embeddingNormed = plan.take(BT, C)
        embeddingMask = maybe(masked && config.hiddenDropoutProb > 0, BT, C)
        embeddingOut = embeddingMask == nil ? embeddingNormed : plan.take(BT, C)
        var layers: [BertLayerActivations] = []
        let hiddenMasks = masked && config.hiddenDropoutProb > 0
        // The GELU output is one buffer for every layer, in training too: the backward writes a
        // layer's again from its pre-activation, in the GELU backward that needs the same erf
        // (`GELU.backwardRecomputingOutput`: the same operations, so the same bits), instead of
        // keeping L of them: 25 MB a layer at batch 32, T = 128 for MiniLM, a tenth of a training
        // step's peak. Inference runs GELU in place over the pre-activation.
        let geluOutput = training ? plan.take(BT, I) : nil
        func layerActivations() -> BertLayerActivations {
            let intermediatePre = plan.take(BT, I)
            return BertLayerActivations(
                qkv: plan.take(BT, 3 * C), probs: plan.take(B * H * T, T),
                probsMask: maybe(masked && config.attentionProbsDropoutProb > 0, B * H * T, T),
                context: plan.take(BT, C), attentionSum: plan.take(BT, C), attentionMean: plan.take(BT),
                attentionRstd: plan.take(BT), attentionMask: maybe(hiddenMasks, BT, C),
                attentionOut: plan.take(BT, C), intermediatePre: intermediatePre,
                intermediate: geluOutput ?? intermediatePre,
                outSum: plan.take(BT, C), outMean: plan.take(BT), outRstd: plan.take(BT),
                outMask: maybe(hiddenMasks, BT, C), out: plan.take(BT, C))
        }
        if training {
            // The backward reads every layer's activations.
            for _ in 0..<config.numHiddenLayers { layers.append(layerActivations()) }
        } else {
            // Inference keeps only each layer's output (the next layer's input and a hidden
            // state) and, if asked, its attention probabilities; the rest is shared by all layers.
            let shared = layerActivations()
            for _ in 0..<config.numHiddenLayers {
                layers.append(BertLayerActivations(
                    qkv: shared.qkv, probs: keepAttentions ? plan.take(B * H * T, T) : shared.probs, probsMask: nil,
                    context: shared.context, attentionSum: shared.attentionSum, attentionMean: shared.attentionMean,
                    attentionRstd: shared.attentionRstd, attentionMask: nil, attentionOut: shared.attentionOut,
                    intermediatePre: shared.intermediatePre, intermediate: shared.intermediate, outSum: shared.outSum,
                    outMean: shared.outMean, outRstd: shared.outRstd, outMask: nil, out: plan.take(BT, C)))
            }
        }
        self.layers = layers
        attentionScratch = plan.take(AttentionCore.forwardScratchCount(T: T, heads: H, channels: C))
        // `BertNetwork.classificationLogits` (inference only): `BertLayer.forwardClassificationRows`.
        clsInput = plan.take(training ? 0 : B, C)
        clsContext = plan.take(training ? 0 : B, C)
        let heads = heads.normalized
        let pooler = heads.contains(.pooler), mlm = heads.contains(.maskedLM)
        poolerPre = plan.take(pooler ? B : 0, C)
        pooled = plan.take(pooler ? B : 0, C)
        let classifier = heads.contains(.classifier)
        classifierMask = maybe(classifier && masked && (config.classifierDropout ?? config.hiddenDropoutProb) > 0, B, C)
        classifierInput = classifierMask == nil ? pooled : plan.take(B, C)
        logits = plan.take(classifier ? B : 0, L)
        transformPre = plan.take(mlm ? BT : 0, C)
        transformGELU = plan.take(mlm ? BT : 0, C)
        transformMean = plan.take(mlm ? BT : 0)
        transformRstd = plan.take(mlm ? BT : 0)
        transformOut = plan.take(mlm ? BT : 0, C)
        predictionLogits = plan.take(mlm ? BT : 0, V)
        nspLogits = plan.take(heads.contains(.nextSentence) ? B : 0, 2)
        if training {
            scratch = BertBackwardScratch(
                dHiddenA: plan.take(BT, C), dHiddenB: plan.take(BT, C), dAttentionOut: plan.take(BT, C),
                dIntermediate: plan.take(BT, I), dContext: plan.take(BT, C), dQKV: plan.take(BT, 3 * C),
                dSum: plan.take(BT, C), attention: plan.take(AttentionCore.backwardScratchCount(T: T, heads: H, channels: C)),
                dPooled: plan.take(pooler ? B : 0, C), dHeadSmall: plan.take(pooler ? B : 0, C),
                dLogits: plan.take(classifier ? B : 0, L), dNSPLogits: plan.take(B, 2),
                dTransform: plan.take(mlm ? BT : 0, C), dTransformPre: plan.take(mlm ? BT : 0, C),
                dPredictionLogits: plan.take(mlm ? BT : 0, V))
        } else {
            scratch = nil
        }
        if let reusable = previous, reusable.count >= plan.totalCount {
            arena = reusable
        } else {
            previous = nil   // the caller's last reference: the smaller arena is freed here
            guard let made = FloatBuffer(ifAvailable: plan.totalCount) else {
                let gigabytes = Double(plan.totalCount) * Double(MemoryLayout<Float>.stride) / 1e9
                throw BertError(.argument, String(format: "a batch of %d × %d tokens needs %.1f GB of activations "
                    + "for this model%@, more than this machine can give; use a smaller batch or maxLength",
                    B, T, gigabytes, training ? " in training" : ""))
            }
            arena = made
        }
    }

    /// The encoder's final hidden state (B, T, C).
    var lastHidden: ArenaSlice { layers.last?.out ?? embeddingOut }
}

extension FloatBuffer {
    /// A dropout mask's view, or nil when the pass has none.
    func optional(_ slice: ArenaSlice?) -> MatrixView? { slice.map { self[$0].readOnly } }
}
