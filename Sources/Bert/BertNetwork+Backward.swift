import Foundation
import Numerics

/// The losses of one forward + backward pass.
public struct BertLossReport: Equatable {
    /// The loss the gradients are of (before `scale`): the task loss, or MLM + NSP.
    public let loss: Float
    public let maskedLMLoss: Float?
    public let nextSentenceLoss: Float?
}

extension BertNetwork {
    /// Forward, loss and backward on one batch. Gradients of `scale · loss` are *added* to
    /// `gradients` (scale 1 / k for gradient accumulation over k batches, as the transformers
    /// Trainer divides the loss).
    /// - dropoutSeed: nil for no dropout (evaluation semantics); else training dropout masks
    ///   drawn from this seed
    /// - parameterGradients: `.all`, or `.fromLayer(k)` for frozen embeddings and layers below k:
    ///   their gradients are neither computed nor touched, and the backward stops after layer k
    /// - checkInterrupt: called before each encoder layer of the forward and the backward pass, so
    ///   an interrupt is honoured within one layer's time rather than a whole batch's. Throwing
    ///   leaves the weights untouched and the gradients partial: callers zero the gradients before
    ///   the next step (as every optimizer step does) and take no update from an abandoned pass.
    /// - gradientsReady: called as the backward finishes each part's parameter gradients (the
    ///   heads, then layers N−1 down to the lowest trained, then the embeddings), so that a
    ///   data-parallel step can start summing that part while the rest runs (`TrainingStep`)
    @discardableResult
    public func forwardBackward(_ batch: BertBatch, labels: BertLabels, options: LossOptions = LossOptions(),
                                scale: Float = 1, dropoutSeed: UInt64? = nil,
                                parameterGradients: ParameterGradients = .all,
                                checkInterrupt: () throws -> Void = {},
                                gradientsReady: (ParameterGroups.Place) throws -> Void = { _ in }) throws -> BertLossReport {
        precondition(parameterGradients.heads, "training computes the heads' gradients")
        try validate(labels, B: batch.batchSize, T: batch.sequenceLength, options: options)
        let a = try forward(batch, need: labels.heads, training: true, dropoutSeed: dropoutSeed,
                            checkInterrupt: checkInterrupt)
        let s = a.scratch!
        let report = try taskLoss(labels, a, s, options: options, scale: scale)
        let (dout, dinput) = try backwardToEmbeddings(a, s, need: labels.heads, parameterGradients: parameterGradients,
                                                      checkInterrupt: checkInterrupt, gradientsReady: gradientsReady)
        if parameterGradients.embeddings {
            let m = a.arena
            embeddings.backward(dout: dout, dsum: dinput, sum: m[a.embeddingSum].readOnly,
                                mean: m.vector(a.embeddingMean).readOnly, rstd: m.vector(a.embeddingRstd).readOnly,
                                ids: a.ids, types: a.types, mask: m.optional(a.embeddingMask), T: a.T,
                                params: parameters, grads: gradients)
            passCounts.embeddingsBackward += 1
            try gradientsReady(.embeddings)
        }
        return report
    }

    /// The loss of `labels` on the logits of the forward pass in `a`, and its gradient with
    /// respect to those logits written to the scratch (`dLogits`, `dPredictionLogits`,
    /// `dNSPLogits`), scaled by `scale`. Throws `.numeric` on a non-finite loss.
    func taskLoss(_ labels: BertLabels, _ a: BertActivations, _ s: BertBackwardScratch, options: LossOptions,
                  scale: Float) throws -> BertLossReport {
        let m = a.arena
        let logits = m[a.logits].readOnly
        var loss: Float = 0, mlmLoss: Float?, nspLoss: Float?
        switch labels {
        case .classes(let y):
            loss = CrossEntropy.compute(dlogits: m[s.dLogits], logits: logits, labels: y, classWeights: options.classWeights,
                                        labelSmoothing: options.labelSmoothing, scale: scale)
        case .multiLabel(let y):
            loss = BinaryCrossEntropy.compute(dlogits: m[s.dLogits], logits: logits, targets: y, scale: scale)
        case .regression(let y):
            loss = MeanSquaredError.compute(dpredictions: m[s.dLogits], predictions: logits, targets: y, scale: scale)
        case .maskedLM(let y):
            mlmLoss = maskedLMLoss(y, a, s, scale: scale)
            loss = mlmLoss!
        case .nextSentence(let y):
            nspLoss = nextSentenceLoss(y, a, s, scale: scale)
            loss = nspLoss!
        case .preTraining(let masked, let next):
            let fractions = options.preTrainingFractions
            mlmLoss = maskedLMLoss(masked, a, s, scale: scale * (fractions?.maskedLM ?? 1))
            nspLoss = nextSentenceLoss(next, a, s, scale: scale * (fractions?.nextSentence ?? 1))
            loss = mlmLoss! + nspLoss!
        }
        guard loss.isFinite else {
            throw BertError(.numeric, "the loss is \(loss); no gradient was applied")
        }
        return BertLossReport(loss: loss, maskedLMLoss: mlmLoss, nextSentenceLoss: nspLoss)
    }

    /// The backward pass from the heads' logit gradients (already in the scratch: `dLogits`,
    /// `dNSPLogits`, `dPredictionLogits` for the heads in `need`) down through the encoder layers,
    /// stopping where the embeddings' backward begins, or after layer k for `.fromLayer(k)`. The
    /// parameter gradients that `parameterGradients` asks for are added to `gradients` on the
    /// way; the others are not computed (their GEMMs and reductions skipped) and keep their
    /// values in `gradients`. The gradient returned is the same, bit for bit, whichever are asked
    /// for. Returns d embeddingOut (B·T, C) and a free (B·T, C) scratch, both in the arena
    /// (with `.fromLayer(k)`, k > 0, d of layer k's input: not the embeddings'). `forwardBackward`
    /// continues into the embeddings; integrated gradients stops here (`logitGradientAtEmbeddings`).
    func backwardToEmbeddings(_ a: BertActivations, _ s: BertBackwardScratch, need: BertHeads,
                              parameterGradients: ParameterGradients = .all,
                              checkInterrupt: () throws -> Void,
                              gradientsReady: (ParameterGroups.Place) throws -> Void = { _ in }) throws
        -> (dEmbeddingOut: MutableMatrixView, scratch: MutableMatrixView) {
        let m = a.arena, w = parameters
        headsBackward(a, s, need: need, parameterGradients: parameterGradients)
        try gradientsReady(.head)
        var dout = m[s.dHiddenA], dinput = m[s.dHiddenB]
        for l in stride(from: layers.count - 1, through: parameterGradients.lowestBackwardLayer, by: -1) {
            try checkInterrupt()
            let input = l == 0 ? m[a.embeddingOut] : m[a.layers[l - 1].out]
            layers[l].backward(a.layers[l], s, dinput: dinput, dout: dout.readOnly, input: input.readOnly, arena: m,
                               T: a.T, params: w, grads: parameterGradients.encoderLayer(l) ? gradients : nil)
            passCounts.layerBackward += 1
            try gradientsReady(.layer(l))
            swap(&dout, &dinput)
        }
        return (dout, dinput)
    }

    /// The heads' backward (NSP, MLM, classifier, pooler: the forward's calls in reverse) into
    /// d lastHidden (B·T, C) in `s.dHiddenA`, zeroed first.
    func headsBackward(_ a: BertActivations, _ s: BertBackwardScratch, need: BertHeads,
                       parameterGradients: ParameterGradients) {
        let m = a.arena, w = parameters
        // nil where a part's parameter gradients are skipped.
        let gHeads: FloatBuffer? = parameterGradients.heads ? gradients : nil
        let dHidden = m[s.dHiddenA]
        dHidden.fill(0)
        if heads.contains(.pooler) { m[s.dPooled].fill(0) }
        let hidden = m[a.lastHidden].readOnly
        if let seqRelationship, need.contains(.nextSentence) {
            seqRelationship.backward(dpooled: m[s.dPooled], scratch: m[s.dHeadSmall], dlogits: m[s.dNSPLogits].readOnly,
                                     input: m[a.pooled].readOnly, mask: nil, params: w, grads: gHeads)
        }
        if let predictions, need.contains(.maskedLM) {
            predictions.backward(dhidden: dHidden, dtransformed: m[s.dTransform], dpre: m[s.dTransformPre],
                                 dlogits: m[s.dPredictionLogits].readOnly, transformed: m[a.transformOut].readOnly,
                                 pre: m[a.transformPre].readOnly, activated: m[a.transformGELU].readOnly,
                                 mean: m.vector(a.transformMean).readOnly, rstd: m.vector(a.transformRstd).readOnly,
                                 hidden: hidden, params: w, grads: gHeads)
        }
        if let classifier, need.contains(.classifier) {
            classifier.backward(dpooled: m[s.dPooled], scratch: m[s.dHeadSmall], dlogits: m[s.dLogits].readOnly,
                                input: m[a.classifierInput].readOnly, mask: m.optional(a.classifierMask), params: w,
                                grads: gHeads)
        }
        if let pooler, !need.isDisjoint(with: [.classifier, .nextSentence]) {
            pooler.backward(dhidden: dHidden, dpooled: m[s.dPooled], pooled: m[a.pooled].readOnly, hidden: hidden,
                            T: a.T, params: w, grads: gHeads)
        }
    }

    /// Evaluation-mode loss without gradients.
    public func loss(_ batch: BertBatch, labels: BertLabels, options: LossOptions = LossOptions()) throws -> Float {
        try validate(labels, B: batch.batchSize, T: batch.sequenceLength, options: options)
        let a = try forward(batch, need: labels.heads, training: false, dropoutSeed: nil)
        let m = a.arena
        let logits = m[a.logits].readOnly, mlm = m[a.predictionLogits].readOnly, nsp = m[a.nspLogits].readOnly
        switch labels {
        case .classes(let y):
            return CrossEntropy.compute(dlogits: nil, logits: logits, labels: y, classWeights: options.classWeights,
                                        labelSmoothing: options.labelSmoothing)
        case .multiLabel(let y):
            return BinaryCrossEntropy.compute(dlogits: nil, logits: logits, targets: y)
        case .regression(let y):
            return MeanSquaredError.compute(dpredictions: nil, predictions: logits, targets: y)
        case .maskedLM(let y):
            return CrossEntropy.compute(dlogits: nil, logits: mlm, labels: y)
        case .nextSentence(let y):
            return CrossEntropy.compute(dlogits: nil, logits: nsp, labels: y)
        case .preTraining(let masked, let next):
            return CrossEntropy.compute(dlogits: nil, logits: mlm, labels: masked)
                + CrossEntropy.compute(dlogits: nil, logits: nsp, labels: next)
        }
    }

    private func maskedLMLoss(_ y: [Int32], _ a: BertActivations, _ s: BertBackwardScratch, scale: Float) -> Float {
        let m = a.arena
        return CrossEntropy.compute(dlogits: m[s.dPredictionLogits], logits: m[a.predictionLogits].readOnly, labels: y,
                                    scale: scale)
    }

    private func nextSentenceLoss(_ y: [Int32], _ a: BertActivations, _ s: BertBackwardScratch, scale: Float) -> Float {
        let m = a.arena
        return CrossEntropy.compute(dlogits: m[s.dNSPLogits], logits: m[a.nspLogits].readOnly, labels: y, scale: scale)
    }

    /// Labels must fit a batch of B sequences of T tokens and the heads; a user can get every one
    /// of these wrong.
    func validate(_ labels: BertLabels, B: Int, T: Int, options: LossOptions) throws {
        let L = config.numLabels
        let missing = labels.heads.subtracting(heads)
        guard missing.isEmpty else { throw BertError(.argument, "the model has no \(missing) head for these labels") }
        func classIds(_ y: [Int32], count: Int, classes: Int, what: String) throws {
            guard y.count == count else { throw BertError(.argument, "\(what): \(y.count) labels for \(count) positions") }
            if let bad = y.first(where: { $0 != Int32(CrossEntropy.ignoreIndex) && ($0 < 0 || Int($0) >= classes) }) {
                throw BertError(.argument, "\(what): label \(bad) is outside 0..<\(classes)")
            }
        }
        switch labels {
        case .classes(let y):
            try classIds(y, count: B, classes: L, what: "class labels")
            if let weights = options.classWeights {
                guard weights.count == L, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                    throw BertError(.argument, "class weights must be \(L) finite non-negative numbers")
                }
            }
            guard options.labelSmoothing >= 0 && options.labelSmoothing < 1 else {
                throw BertError(.argument, "label smoothing must be in [0, 1) (got \(options.labelSmoothing))")
            }
        case .multiLabel(let y):
            guard y.count == B * L else { throw BertError(.argument, "multi-label targets: \(y.count) values, expected \(B) x \(L)") }
        case .regression(let y):
            guard L == 1 else { throw BertError(.argument, "regression needs a model with one label (it has \(L))") }
            guard y.count == B else { throw BertError(.argument, "regression targets: \(y.count) values for \(B) sequences") }
        case .maskedLM(let y):
            try classIds(y, count: B * T, classes: config.vocabSize, what: "masked-LM labels")
        case .nextSentence(let y):
            try classIds(y, count: B, classes: 2, what: "next-sentence labels")
        case .preTraining(let masked, let next):
            try classIds(masked, count: B * T, classes: config.vocabSize, what: "masked-LM labels")
            try classIds(next, count: B, classes: 2, what: "next-sentence labels")
        }
    }
}
