import Numerics
import TextDatasets
import WordPiece

/// One pre-training batch: the model input, MLM + NSP labels, and what they were made from.
public struct PretrainingBatch {
    /// (B, T), padded to the longest example of the batch.
    public let batch: BertBatch
    /// MLM labels (B, T) with -100 where nothing is predicted; NSP labels (B), 0 = IsNext.
    public let labels: BertLabels
    /// The NSP pairs before masking.
    public let examples: [NextSentenceExample]
    /// The masking of each example (its choices: position, original, replacement, action).
    public let masked: [MaskedTokens]
    /// Positions the MLM loss is taken over.
    public var maskedCount: Int { masked.reduce(0) { $0 + $1.choices.count } }
}

/// An endless stream of pre-training batches from tokenised documents, as BERT's data pipeline
/// makes them (google-research/bert `create_pretraining_data.py`, transformers
/// `TextDatasetForNextSentencePrediction` + `DataCollatorForLanguageModeling`):
/// NSP pairs are built over the whole corpus (`NextSentencePairs`), shuffled and cut into
/// batches; every batch is masked with BERT's 15% / 80-10-10 recipe when it is drawn (dynamic
/// masking, as the collator does). When a pass is used up the pairs are built again from the
/// same generator, so each pass sees new pairs, new NotNext partners and new masks.
///
///     var stream = try PretrainingBatches(documents: ids, tokenizer: tokenizer, maxLength: 64, batchSize: 16, seed: 42)
///     let first = try stream.next()   // first.batch, first.labels
public struct PretrainingBatches {
    public let batchSize: Int
    public let pairs: NextSentencePairs
    public let recipe = MaskingRecipe.bert
    /// Token ids of each sentence of each document (no specials): documents[d][s] is (tokens).
    public let documents: [[[Int]]]
    /// Pairs built so far over all passes, and how many of them were truncated to `maxLength`.
    public private(set) var pairsBuilt = 0
    public private(set) var pairsTruncated = 0
    /// Completed passes over the corpus.
    public private(set) var passes = 0

    private let vocabularySize: Int
    private let maskTokenId: Int
    private let padTokenId: Int
    private let specialIds: Set<Int>
    private var rng: SeededGenerator
    private var queue: [NextSentenceExample] = []

    /// - documents: token ids of each sentence of each document (no specials)
    /// - vocabularySize: random replacements are drawn below it (the model's vocabulary)
    public init(documents: [[[Int]]], tokenizer: BertTokenizer, vocabularySize: Int, maxLength: Int, batchSize: Int,
                seed: UInt64) throws {
        guard batchSize >= 1 else { throw BertError(.argument, "batch must be at least 1 (got \(batchSize))") }
        do {
            pairs = try NextSentencePairs(maxLength: maxLength, clsTokenID: tokenizer.classifierTokenId,
                                          sepTokenID: tokenizer.separatorTokenId)
        } catch {
            throw BertError(.argument, "\(error)")
        }
        self.documents = documents
        self.batchSize = batchSize
        self.vocabularySize = min(vocabularySize, tokenizer.vocabularySize)
        maskTokenId = tokenizer.maskTokenId
        padTokenId = tokenizer.paddingTokenId
        specialIds = Set((0..<tokenizer.vocabularySize).filter(tokenizer.isSpecial))
        rng = SeededGenerator(seed: seed)
        try refill()
    }

    /// Tokenises `documents` (sentences of each document) with `tokenizer`, without specials.
    public static func tokenize(_ documents: [[String]], with tokenizer: BertTokenizer) throws -> [[[Int]]] {
        try documents.map { sentences in
            try sentences.map { sentence in Array(try tokenizer.encode(sentence).ids.dropFirst().dropLast()) }
        }
    }

    private mutating func refill() throws {
        do {
            queue = rng.shuffled(try pairs.examples(documents: documents, using: &rng))
        } catch {
            throw BertError(.argument, "\(error)")
        }
        guard !queue.isEmpty else { throw BertError(.argument, "the corpus gives no sentence pairs") }
        pairsBuilt += queue.count
        pairsTruncated += queue.filter { $0.truncatedTokenCount > 0 }.count
    }

    /// The next batch of `batchSize` pairs (the last of a pass may be topped up from the next).
    public mutating func next() throws -> PretrainingBatch {
        var examples: [NextSentenceExample] = []
        while examples.count < batchSize {
            if queue.isEmpty {
                passes += 1
                try refill()
            }
            examples.append(queue.removeLast())
        }
        let T = examples.map(\.inputIDs.count).max()!
        var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = [], mlmLabels: [Int32] = []
        var masked: [MaskedTokens] = []
        for example in examples {
            let specials = specialIds
            let result = recipe.apply(to: example.inputIDs, vocabularySize: vocabularySize, maskTokenID: maskTokenId,
                                      isSpecial: { specials.contains($0) }, using: &rng)
            masked.append(result)
            let padding = T - result.inputIDs.count
            ids += result.inputIDs.map(Int32.init) + [Int32](repeating: Int32(padTokenId), count: padding)
            types += example.tokenTypeIDs.map(Int32.init) + [Int32](repeating: 0, count: padding)
            mask += [Int32](repeating: 1, count: result.inputIDs.count) + [Int32](repeating: 0, count: padding)
            mlmLabels += result.labels.map(Int32.init) + [Int32](repeating: Int32(MaskedTokens.ignoreIndex), count: padding)
        }
        let batch = try BertBatch(batchSize: examples.count, sequenceLength: T, inputIds: ids, tokenTypeIds: types,
                                  attentionMask: mask)
        return PretrainingBatch(batch: batch,
                                labels: .preTraining(maskedLM: mlmLabels, nextSentence: examples.map { Int32($0.label) }),
                                examples: examples, masked: masked)
    }
}
