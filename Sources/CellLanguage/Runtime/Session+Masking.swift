import Bert
import Foundation
import Numerics
import TextDatasets
import WordPiece

/// `mask(text, top:, seed:)`: the typed API behind the command.
extension Session {
    /// Masked-LM predictions.
    ///
    ///     let report = try session.mask("The child came home from [MASK].", top: 5)
    ///     report.positions[0].predictions[0].token
    ///
    /// A text with `[MASK]` tokens gets the model's `top` predictions at each of them. A text
    /// without applies BERT's recipe (each non-special token chosen with probability 15%, at least
    /// one; a chosen token becomes `[MASK]` 80%, a random token 10%, stays 10% of the time) from
    /// `seed`, and shows the predictions at every chosen position, as in pre-training.
    /// Throws `StateError` when the model has no MLM head, saying how to get one.
    public func mask(_ text: String, top: Int = 5, seed: Int = 42) throws -> MaskReport {
        let model = try requireModel()
        guard (1...100).contains(top) else {
            throw SessionError(.argument, "top must be between 1 and 100, got \(top)", argument: "top")
        }
        guard model.network.heads.contains(.maskedLM) else {
            throw SessionError(.state, "the model \(model.source) has no masked-LM head (cls.predictions), so it cannot fill in "
                               + "[MASK]; all-MiniLM-L6-v2 is saved without one. Pre-train a small BERT with "
                               + "pretrain(corpus: \"demo\"), or load a checkpoint that has one (BertForPreTraining or "
                               + "BertForMaskedLM, e.g. bert-base-uncased)")
        }
        let tokenizer = model.tokenizer
        let encoding = try tokenizer.encode(text)
        try Self.checkLength(encoding.count, model: model, what: "the text")
        var notes: [String] = []
        if let initialized = model.report?.initialized, initialized.contains(where: { $0.hasPrefix("cls.predictions") }) {
            notes.append("the checkpoint has no trained MLM head; it was initialised at random, so these predictions are noise")
        }
        let explicit = encoding.ids.indices.filter { encoding.ids[$0] == tokenizer.maskTokenId }
        var inputIds = encoding.ids
        var choices: [MaskedTokens.Choice] = []
        if explicit.isEmpty {
            var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed))
            let vocabulary = min(model.config.vocabSize, tokenizer.vocabularySize)
            let masked = MaskingRecipe.bert.apply(to: encoding.ids, vocabularySize: vocabulary, maskTokenID: tokenizer.maskTokenId,
                                                  isSpecial: tokenizer.isSpecial, atLeastOne: true, using: &rng)
            guard !masked.choices.isEmpty else {
                throw SessionError(.argument, "the text has no token to mask (only special tokens)", argument: "text")
            }
            inputIds = masked.inputIDs
            choices = masked.choices
        }
        let batch = try BertBatch(inputIds: [inputIds])
        let output = try model.network.infer(batch, request: .maskedLM)
        guard let logits = output.predictionLogits else { throw SessionError(.state, "the model returned no MLM logits") }
        let V = model.config.vocabSize
        let inputTokens = tokenizer.tokens(of: inputIds)
        func predictions(at position: Int) -> (top: [MaskReport.Prediction], probabilities: [Double]) {
            let probabilities = Self.softmax(logits[(position * V)..<((position + 1) * V)])
            let order = Self.topIndices(probabilities, count: top)
            return (order.map { MaskReport.Prediction(token: tokenizer.tokens(of: [$0])[0], id: $0, probability: probabilities[$0]) },
                    probabilities)
        }
        let positions: [MaskReport.Position]
        if explicit.isEmpty {
            positions = choices.map { choice in
                let (best, probabilities) = predictions(at: choice.position)
                let rank = 1 + probabilities.indices.filter { probabilities[$0] > probabilities[choice.original] }.count
                return MaskReport.Position(position: choice.position, original: tokenizer.tokens(of: [choice.original])[0],
                                           action: choice.action.rawValue, input: inputTokens[choice.position],
                                           predictions: best, originalRank: rank)
            }
        } else {
            positions = explicit.map { position in
                MaskReport.Position(position: position, original: nil, action: nil, input: inputTokens[position],
                                    predictions: predictions(at: position).top, originalRank: nil)
            }
        }
        return MaskReport(text: text, inputTokens: inputTokens, recipeApplied: explicit.isEmpty, seed: seed,
                          positions: positions, notes: notes)
    }

    /// Throws when a sequence is longer than the model's position table.
    static func checkLength(_ count: Int, model: LoadedModel, what: String) throws {
        guard count <= model.maxPositions else {
            throw SessionError(.argument, "\(what) is \(count) tokens long (with [CLS] and [SEP]); the model reads at most "
                               + "\(model.maxPositions) (max_position_embeddings): shorten it", argument: "text")
        }
    }

    /// Softmax in Double, shifted by the maximum for stability: (V) -> (V).
    static func softmax(_ logits: ArraySlice<Float>) -> [Double] {
        let peak = Double(logits.max() ?? 0)
        let exps = logits.map { Foundation.exp(Double($0) - peak) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// Indices of the `count` largest values, largest first (ties by index).
    static func topIndices(_ values: [Double], count: Int) -> [Int] {
        var best: [Int] = []
        for i in values.indices {
            if best.count == count, let last = best.last, values[i] <= values[last] { continue }
            let at = best.firstIndex { values[i] > values[$0] } ?? best.count
            best.insert(i, at: at)
            if best.count > count { best.removeLast() }
        }
        return best
    }
}
