import Numerics

/// BERT's masked-language-model recipe over token ids, exactly as `transformers`'
/// `DataCollatorForLanguageModeling.torch_mask_tokens` (transformers 5,
/// `data/data_collator.py`) applies it:
/// 1. each token that is not special is chosen with probability `maskProbability` (a Bernoulli
///    draw per token; special tokens never), its label is its original id, every other label
///    is -100 (the cross-entropy ignore index);
/// 2. a chosen token becomes `[MASK]` with probability `maskReplaceProbability`;
/// 3. otherwise it becomes a uniformly random id in `0..<vocabularySize` with probability
///    `randomReplaceProbability / (1 - maskReplaceProbability)` (so 10% of all chosen; the
///    random id may be special or equal the original, as in `transformers`);
/// 4. otherwise it is left unchanged.
/// With the defaults 0.15 / 0.8 / 0.1 that is BERT's "15%, of which 80% [MASK], 10% random,
/// 10% unchanged" (Devlin et al. 2019, section 3.1). Draws come from a `SeededGenerator`, so
/// the result is the same for a seed (not the same numbers as torch's generator).
///
///     var rng = SeededGenerator(seed: 0)
///     let masked = MaskingRecipe.bert.apply(to: [101, 7592, 2088, 102], vocabularySize: 30522,
///                                           maskTokenID: 103, isSpecial: { [0, 101, 102, 103].contains($0) },
///                                           using: &rng)
///     masked.inputIDs; masked.labels; masked.choices   // what was chosen and what it became
public struct MaskingRecipe: Sendable, Equatable {
    /// `mlm_probability`: the chance that a non-special token is chosen.
    public let maskProbability: Double
    /// `mask_replace_prob`: the chance that a chosen token becomes `[MASK]`.
    public let maskReplaceProbability: Double
    /// `random_replace_prob`: the chance that a chosen token becomes a random token.
    public let randomReplaceProbability: Double

    /// BERT's 15% / 80-10-10.
    public static let bert = MaskingRecipe(uncheckedMask: 0.15, replace: 0.8, random: 0.1)

    private init(uncheckedMask mask: Double, replace: Double, random: Double) {
        maskProbability = mask
        maskReplaceProbability = replace
        randomReplaceProbability = random
    }

    /// A recipe with other proportions; throws when they are not probabilities or when
    /// `maskReplaceProbability + randomReplaceProbability > 1` (as `transformers` refuses).
    public init(maskProbability: Double = 0.15, maskReplaceProbability: Double = 0.8,
                randomReplaceProbability: Double = 0.1) throws {
        for (name, value) in [("maskProbability", maskProbability), ("maskReplaceProbability", maskReplaceProbability),
                              ("randomReplaceProbability", randomReplaceProbability)] {
            guard value.isFinite, value >= 0, value <= 1 else {
                throw DatasetError.argument("\(name) must be a probability in [0, 1], got \(value)")
            }
        }
        guard maskReplaceProbability + randomReplaceProbability <= 1 else {
            throw DatasetError.argument(
                "maskReplaceProbability + randomReplaceProbability must be at most 1, got \(maskReplaceProbability + randomReplaceProbability)")
        }
        self.init(uncheckedMask: maskProbability, replace: maskReplaceProbability, random: randomReplaceProbability)
    }

    /// Applies the recipe to one sequence.
    /// - ids: the token ids, specials included: (T)
    /// - vocabularySize: random replacements are drawn from `0..<vocabularySize`
    /// - isSpecial: true for ids never chosen ([CLS], [SEP], [PAD], [MASK], ...)
    /// - atLeastOne: when nothing was chosen and some token could be, choose one uniformly
    ///   (then treat it as above). Off by default (not in `transformers`); for the teaching
    ///   view of a short sentence, where 0.85^n of draws would show nothing.
    /// - Returns: input ids (T), labels (T) with -100 where not chosen, and the choices.
    public func apply(to ids: [Int], vocabularySize: Int, maskTokenID: Int, isSpecial: (Int) -> Bool,
                      atLeastOne: Bool = false, using rng: inout SeededGenerator) -> MaskedTokens {
        precondition(vocabularySize > 0, "vocabularySize must be positive")
        var chosen = ids.map { !isSpecial($0) && rng.nextBernoulli(maskProbability) }
        if atLeastOne, !chosen.contains(true) {
            let candidates = ids.indices.filter { !isSpecial(ids[$0]) }
            if !candidates.isEmpty { chosen[candidates[rng.nextInt(below: candidates.count)]] = true }
        }
        // The chance of "random" among the chosen that did not become [MASK].
        let randomGivenNotMask = maskReplaceProbability < 1 ? randomReplaceProbability / (1 - maskReplaceProbability) : 0
        var inputIDs = ids
        var labels = [Int](repeating: MaskedTokens.ignoreIndex, count: ids.count)
        var choices: [MaskedTokens.Choice] = []
        for position in ids.indices where chosen[position] {
            labels[position] = ids[position]
            let action: MaskedTokens.Action
            if rng.nextBernoulli(maskReplaceProbability) {
                action = .mask
                inputIDs[position] = maskTokenID
            } else if rng.nextBernoulli(randomGivenNotMask) {
                action = .random
                inputIDs[position] = rng.nextInt(below: vocabularySize)
            } else {
                action = .unchanged
            }
            choices.append(MaskedTokens.Choice(position: position, original: ids[position],
                                               replacement: inputIDs[position], action: action))
        }
        return MaskedTokens(inputIDs: inputIDs, labels: labels, choices: choices)
    }
}

/// One sequence after `MaskingRecipe.apply`.
public struct MaskedTokens: Sendable, Equatable {
    /// The label of a position that is not predicted (PyTorch cross-entropy's `ignore_index`).
    public static let ignoreIndex = -100

    /// What a chosen token became.
    public enum Action: String, Sendable {
        case mask, random, unchanged
    }

    /// One chosen position, for the teaching display.
    public struct Choice: Sendable, Equatable {
        public let position: Int
        public let original: Int
        /// The id fed to the model: `[MASK]`, the random id, or `original`.
        public let replacement: Int
        public let action: Action
    }

    /// The model's input: (T).
    public let inputIDs: [Int]
    /// The original id where chosen, -100 elsewhere: (T).
    public let labels: [Int]
    /// The chosen positions in increasing order.
    public let choices: [Choice]
}
