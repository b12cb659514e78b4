import Bert
import Foundation
import Plotting
import WordPiece

extension Session {
    /// Reads every hidden state through the model's heads.
    ///
    ///     let report = try session.layers("The child came home from [MASK].", top: 5)
    ///     report.predictions.last![0][0].token     // what `mask` predicts
    ///
    /// A text with `[MASK]` and a model with an MLM head: the top-`top` tokens at each [MASK] from
    /// every layer. Otherwise a classifier: the class probabilities from every layer's [CLS]
    /// through pooler and classifier. The last row equals `mask`'s and `predict`'s output.
    public func layers(_ text: String, pair: String? = nil, top: Int = 5) throws -> LayersReport {
        let model = try requireModel()
        guard (1...100).contains(top) else {
            throw SessionError(.argument, "top must be between 1 and 100, got \(top)", argument: "top")
        }
        let network = model.network, tokenizer = model.tokenizer
        let encoding = try tokenizer.encode(text, pair: pair, maxLength: model.maxPositions)
        let masks = encoding.ids.indices.filter { encoding.ids[$0] == tokenizer.maskTokenId }
        let heads = network.heads
        let lens: LayersReport.Lens
        if heads.contains(.maskedLM) && (!masks.isEmpty || !heads.contains(.classifier)) {
            guard !masks.isEmpty else {
                throw SessionError(.argument, "the text has no [MASK]: the masked-LM lens shows what each layer predicts "
                                   + "at a [MASK], e.g. layers(\"The child came home from [MASK].\")", argument: "text")
            }
            lens = .maskedLM
        } else if heads.contains(.classifier) {
            guard model.config.resolvedProblemType != .regression else {
                throw SessionError(.state, "layers shows class probabilities per layer; the model predicts a value "
                                   + "(regression), which has none")
            }
            lens = .classifier
        } else {
            throw SessionError(.state, "layers needs a model with a masked-LM head (cls.predictions, for a text with "
                               + "[MASK]) or a classifier; the model \(model.source) has only \(heads). Load one with "
                               + "load(model: ..., labels: 2), or pre-train one with pretrain(corpus: \"demo\")")
        }
        let batch = try BertBatch(inputIds: [encoding.ids], tokenTypeIds: [encoding.typeIds])
        let states = try network.infer(batch, request: .hiddenStates).hiddenStates ?? []
        let C = model.config.hiddenSize, V = model.config.vocabSize
        let names = ["embeddings"] + (0..<model.config.numHiddenLayers).map(String.init)
        var predictions: [[[MaskReport.Prediction]]] = [], distributions: [[[Double]]] = []
        var classProbabilities: [[Double]] = []
        for state in states {
            try checkInterrupt()
            switch lens {
            case .maskedLM:
                let rows = masks.flatMap { state[($0 * C)..<(($0 + 1) * C)] }
                let logits = try network.maskedLMLogits(hidden: rows)
                let perPosition = masks.indices.map { Self.softmax(logits[($0 * V)..<(($0 + 1) * V)]) }
                distributions.append(perPosition)
                predictions.append(perPosition.map { p in
                    Self.topIndices(p, count: top).map {
                        MaskReport.Prediction(token: tokenizer.tokens(of: [$0])[0], id: $0, probability: p[$0])
                    }
                })
            case .classifier:
                let logits = try network.classifierLogits(hidden: state)
                classProbabilities.append(Predictor.probabilities(logits, task: model.config.resolvedProblemType).map(Double.init))
            }
        }
        var tracked: [(token: String, probabilities: [Double])] = []
        if lens == .maskedLM, let last = predictions.last {
            tracked = masks.indices.map { k in
                (token: last[k][0].token, probabilities: distributions.map { $0[k][last[k][0].id] })
            }
        }
        return LayersReport(text: text, lens: lens, tokens: encoding.tokens, layerNames: names, positions: masks,
                            predictions: predictions, tracked: tracked,
                            labels: lens == .classifier ? model.labelNames : [], classProbabilities: classProbabilities)
    }
}
