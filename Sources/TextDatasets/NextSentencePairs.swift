import Numerics

/// Next-sentence-prediction examples built from documents of tokenised sentences, following
/// `transformers`' `TextDatasetForNextSentencePrediction.create_examples_from_document`
/// (transformers 4.x, `data/datasets/language_modeling.py`), itself BERT's
/// `create_instances_from_document` (google-research/bert, `create_pretraining_data.py`):
///
/// - per document, the target length is `maxLength - 3` ([CLS] A [SEP] B [SEP]), or with
///   probability `shortSequenceProbability` a uniform length in `2...maxLength - 3`;
/// - consecutive sentences are gathered into a chunk until it reaches the target length or
///   the document ends; A is the chunk's first `k` sentences (`k` uniform in `1...count-1`);
/// - with probability `notNextProbability` (and always when the chunk holds one sentence),
///   B is NotNext (label 1): sentences of a random other document from a random start, up to
///   the length left, and the chunk's unused sentences go back into the document; otherwise B
///   is IsNext (label 0): the rest of the chunk;
/// - the pair is truncated to `maxLength - 3` tokens by removing a token from the longer side,
///   at the front or the back with equal chance (`truncate_seq_pair`).
///
/// One difference, on purpose: the other document is drawn uniformly from the others, where
/// `transformers` retries ten times and in rare cases keeps the same document.
///
///     var rng = SeededGenerator(seed: 1)
///     let builder = try NextSentencePairs(maxLength: 64, clsTokenID: 101, sepTokenID: 102)
///     let examples = try builder.examples(documents: tokenisedDocuments, using: &rng)
public struct NextSentencePairs: Sendable {
    /// `block_size`: the length of `[CLS] A [SEP] B [SEP]` after truncation.
    public let maxLength: Int
    public let clsTokenID: Int
    public let sepTokenID: Int
    /// `short_seq_probability`: the chance of a shorter target length for a document.
    public let shortSequenceProbability: Double
    /// `nsp_probability`: the chance that B is taken from another document.
    public let notNextProbability: Double

    /// IsNext (B follows A) and NotNext (B comes from another document), as
    /// `BertForPreTraining`'s `next_sentence_label` numbers them.
    public static let isNextLabel = 0
    public static let notNextLabel = 1

    public init(maxLength: Int, clsTokenID: Int, sepTokenID: Int,
                shortSequenceProbability: Double = 0.1, notNextProbability: Double = 0.5) throws {
        guard maxLength >= 5 else {
            throw DatasetError.argument("maxLength must be at least 5 for a sentence pair ([CLS] A [SEP] B [SEP] with a token each side); got \(maxLength)")
        }
        for (name, value) in [("shortSequenceProbability", shortSequenceProbability), ("notNextProbability", notNextProbability)] {
            guard value.isFinite, value >= 0, value <= 1 else {
                throw DatasetError.argument("\(name) must be a probability in [0, 1], got \(value)")
            }
        }
        self.maxLength = maxLength
        self.clsTokenID = clsTokenID
        self.sepTokenID = sepTokenID
        self.shortSequenceProbability = shortSequenceProbability
        self.notNextProbability = notNextProbability
    }

    /// Examples from every document, documents in order.
    /// - documents: token ids (no specials) of each sentence of each document:
    ///   documents[d][s] is (tokens of sentence s). Empty sentences are ignored.
    /// - Throws: when fewer than two documents have tokens (NotNext needs another document).
    public func examples(documents: [[[Int]]], using rng: inout SeededGenerator) throws -> [NextSentenceExample] {
        let usable = documents.indices.filter { documents[$0].contains { !$0.isEmpty } }
        guard usable.count >= 2 else {
            throw DatasetError.argument(
                "next-sentence prediction needs at least two documents with text (NotNext sentences come from a different document); got \(usable.count): separate documents with a blank line")
        }
        var result: [NextSentenceExample] = []
        for documentIndex in usable {
            result += examples(fromDocument: documentIndex, documents: documents, usable: usable, using: &rng)
        }
        return result
    }

    private func examples(fromDocument documentIndex: Int, documents: [[[Int]]], usable: [Int],
                          using rng: inout SeededGenerator) -> [NextSentenceExample] {
        // Sentence indices kept, so that sources can name the sentences of the file.
        let document = documents[documentIndex].indices.filter { !documents[documentIndex][$0].isEmpty }
        let maxTokens = maxLength - 3
        var targetLength = maxTokens
        if rng.nextDouble() < shortSequenceProbability {
            targetLength = 2 + rng.nextInt(below: maxTokens - 1)    // randint(2, maxTokens)
        }
        var examples: [NextSentenceExample] = []
        var chunk: [Int] = []       // positions in `document`
        var chunkLength = 0
        var i = 0
        while i < document.count {
            chunk.append(i)
            chunkLength += documents[documentIndex][document[i]].count
            if i == document.count - 1 || chunkLength >= targetLength {
                let aEnd = chunk.count >= 2 ? 1 + rng.nextInt(below: chunk.count - 1) : 1   // randint(1, count-1)
                var tokensA: [Int] = []
                for j in 0..<aEnd { tokensA += documents[documentIndex][document[chunk[j]]] }
                let sourceA = NextSentenceExample.Source(document: documentIndex,
                                                         sentences: document[chunk[0]]..<document[chunk[aEnd - 1]] + 1)
                var tokensB: [Int] = []
                let sourceB: NextSentenceExample.Source
                let forced = chunk.count == 1
                let isRandomNext = forced || rng.nextDouble() < notNextProbability
                if isRandomNext {
                    let targetB = targetLength - tokensA.count
                    // Uniform over the other usable documents.
                    let others = usable.filter { $0 != documentIndex }
                    let other = others[rng.nextInt(below: others.count)]
                    let otherSentences = documents[other].indices.filter { !documents[other][$0].isEmpty }
                    let start = rng.nextInt(below: otherSentences.count)
                    var end = start
                    for j in start..<otherSentences.count {
                        tokensB += documents[other][otherSentences[j]]
                        end = j
                        if tokensB.count >= targetB { break }
                    }
                    sourceB = NextSentenceExample.Source(document: other,
                                                         sentences: otherSentences[start]..<otherSentences[end] + 1)
                    i -= chunk.count - aEnd     // the unused sentences start the next chunk
                } else {
                    for j in aEnd..<chunk.count { tokensB += documents[documentIndex][document[chunk[j]]] }
                    sourceB = NextSentenceExample.Source(document: documentIndex,
                                                         sentences: document[chunk[aEnd]]..<document[chunk[chunk.count - 1]] + 1)
                }
                let before = tokensA.count + tokensB.count
                truncatePair(&tokensA, &tokensB, maxTokens: maxTokens, using: &rng)
                examples.append(NextSentenceExample(
                    tokensA: tokensA, tokensB: tokensB, clsTokenID: clsTokenID, sepTokenID: sepTokenID,
                    label: isRandomNext ? Self.notNextLabel : Self.isNextLabel, forcedNotNext: forced,
                    sourceA: sourceA, sourceB: sourceB, truncatedTokenCount: before - tokensA.count - tokensB.count))
                chunk = []
                chunkLength = 0
            }
            i += 1
        }
        return examples
    }

    /// Throws when a sentence alone has more tokens than a pair can hold (`maxLength - 3`),
    /// naming its line: such sentences would only ever be seen cut. (The recipe itself
    /// truncates, as BERT does; call this first to refuse them with a message instead.)
    /// - documents: token ids per sentence per document, as for `examples`.
    /// - corpus: the corpus the documents were tokenised from (for its name and line numbers).
    public func checkSentenceLengths(documents: [[[Int]]], corpus: PretrainingCorpus) throws {
        let limit = maxLength - 3
        for (d, document) in documents.enumerated() {
            for (s, sentence) in document.enumerated() where sentence.count > limit {
                let line = corpus.lineNumbers.indices.contains(d) && corpus.lineNumbers[d].indices.contains(s)
                    ? "line \(corpus.lineNumbers[d][s])" : "document \(d + 1), sentence \(s + 1)"
                throw DatasetError.argument(
                    "\(corpus.name), \(line): the sentence has \(sentence.count) tokens, but with maxLength \(maxLength) a sentence pair holds at most \(limit); raise maxLength or split the sentence")
            }
        }
    }

    /// `truncate_seq_pair`: while too long, drop a token from the longer side (B on ties), from
    /// the front or the back with equal chance.
    private func truncatePair(_ a: inout [Int], _ b: inout [Int], maxTokens: Int, using rng: inout SeededGenerator) {
        while a.count + b.count > maxTokens {
            if a.count > b.count {
                if rng.nextDouble() < 0.5 { a.removeFirst() } else { a.removeLast() }
            } else {
                if rng.nextDouble() < 0.5 { b.removeFirst() } else { b.removeLast() }
            }
        }
    }
}

/// One NSP training pair.
public struct NextSentenceExample: Sendable, Equatable {
    /// Where a segment came from: a document and the sentences of it (before truncation).
    public struct Source: Sendable, Equatable {
        public let document: Int
        public let sentences: Range<Int>
    }

    /// Segment A's token ids after truncation (no specials).
    public let tokensA: [Int]
    /// Segment B's token ids after truncation (no specials).
    public let tokensB: [Int]
    /// `[CLS] A [SEP] B [SEP]`: (T), T = tokensA.count + tokensB.count + 3.
    public let inputIDs: [Int]
    /// 0 for `[CLS] A [SEP]`, 1 for `B [SEP]`: (T).
    public let tokenTypeIDs: [Int]
    /// 0 = IsNext, 1 = NotNext (`next_sentence_label`).
    public let label: Int
    /// True when the chunk held a single sentence, so B had to come from another document
    /// (the recipe's 50/50 coin was not tossed).
    public let forcedNotNext: Bool
    public let sourceA: Source
    public let sourceB: Source
    /// Tokens removed to fit `maxLength` (0 when the pair fit).
    public let truncatedTokenCount: Int

    init(tokensA: [Int], tokensB: [Int], clsTokenID: Int, sepTokenID: Int, label: Int, forcedNotNext: Bool,
         sourceA: Source, sourceB: Source, truncatedTokenCount: Int) {
        self.tokensA = tokensA
        self.tokensB = tokensB
        self.inputIDs = [clsTokenID] + tokensA + [sepTokenID] + tokensB + [sepTokenID]
        self.tokenTypeIDs = [Int](repeating: 0, count: tokensA.count + 2) + [Int](repeating: 1, count: tokensB.count + 1)
        self.label = label
        self.forcedNotNext = forcedNotNext
        self.sourceA = sourceA
        self.sourceB = sourceB
        self.truncatedTokenCount = truncatedTokenCount
    }

    /// Whether B is the true continuation of A.
    public var isNext: Bool { label == NextSentencePairs.isNextLabel }
}
