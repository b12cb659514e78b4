import Bert
import Foundation
import Numerics
import TextDatasets
import WordPiece

/// `nsp(a, b)` and `nsp(corpus:, pairs:)`: the typed API behind the commands.
extension Session {
    /// IsNext / NotNext probabilities of the model's next-sentence head for the pair
    /// `[CLS] first [SEP] second [SEP]`. Throws `StateError` when the model has no NSP head.
    ///
    ///     let report = try session.nsp("I baked bread.", "It was still warm.")
    ///     report.isNextProbability
    public func nsp(_ first: String, _ second: String) throws -> NextSentenceReport {
        let model = try requireModel()
        guard model.network.heads.contains(.nextSentence) else {
            throw SessionError(.state, "the model \(model.source) has no next-sentence head (cls.seq_relationship); "
                               + "all-MiniLM-L6-v2 is saved without one. Pre-train a small BERT with pretrain(corpus: \"demo\"), "
                               + "or load a checkpoint that has one (BertForPreTraining or BertForNextSentencePrediction, "
                               + "e.g. bert-base-uncased)")
        }
        guard !first.isEmpty, !second.isEmpty else {
            throw SessionError(.argument, "nsp needs two non-empty sentences", argument: first.isEmpty ? "first" : "second")
        }
        let encoding = try model.tokenizer.encode(first, pair: second)
        try Self.checkLength(encoding.count, model: model, what: "the pair")
        let output = try model.network.infer(try BertBatch(inputIds: [encoding.ids], tokenTypeIds: [encoding.typeIds]),
                                             request: .nextSentence)
        guard let logits = output.nextSentenceLogits, logits.count == 2 else {
            throw SessionError(.state, "the model returned no next-sentence logits")
        }
        var notes: [String] = []
        if let initialized = model.report?.initialized, initialized.contains(where: { $0.hasPrefix("cls.seq_relationship") }) {
            notes.append("the checkpoint has no trained next-sentence head; it was initialised at random, so these numbers are noise")
        }
        return NextSentenceReport(first: first, second: second, tokens: encoding.tokens, typeIds: encoding.typeIds,
                                  logits: logits, probabilities: Self.softmax(logits[...]), notes: notes)
    }

    /// How NSP training pairs are built from a corpus (the demo corpus or a text file with one
    /// sentence per line and blank lines between documents): one pass of BERT's recipe
    /// (`NextSentencePairs`), shuffled with `seed`, and the first `pairs` of it shown. Tokens
    /// come from the loaded model's tokenizer, or without a model from the vocabulary
    /// `pretrain` would build from the corpus. Throws when the corpus has one document.
    public func nspPairs(corpus name: String, pairs count: Int = 6, seed: Int = 42,
                         maxLength: Int = 64) throws -> NextSentencePairsReport {
        guard (1...1000).contains(count) else {
            throw SessionError(.argument, "pairs must be between 1 and 1000, got \(count)", argument: "pairs")
        }
        guard (5...512).contains(maxLength) else {
            throw SessionError(.argument, "maxLength must be between 5 and 512, got \(maxLength)", argument: "maxLength")
        }
        let corpus = try Self.loadCorpus(name)
        let (tokenizer, vocabulary) = try corpusTokenizer(corpus, source: .model)
        let documents = try PretrainingBatches.tokenize(corpus.documents, with: tokenizer)
        let builder: NextSentencePairs
        do {
            builder = try NextSentencePairs(maxLength: maxLength, clsTokenID: tokenizer.classifierTokenId,
                                            sepTokenID: tokenizer.separatorTokenId)
        } catch {
            throw SessionError(.argument, "\(error)", argument: "maxLength")
        }
        var rng = SeededGenerator(seed: UInt64(truncatingIfNeeded: seed))
        let examples: [NextSentenceExample]
        do {
            examples = rng.shuffled(try builder.examples(documents: documents, using: &rng))
        } catch {
            throw SessionError(.state, "\(error)", argument: "corpus")
        }
        func describe(_ source: NextSentenceExample.Source) -> String {
            let s = source.sentences
            let sentences = s.count == 1 ? "sentence \(s.lowerBound + 1)" : "sentences \(s.lowerBound + 1)-\(s.upperBound)"
            return "document \(source.document + 1), \(sentences)"
        }
        let shown = examples.prefix(count).map { e in
            NextSentencePairsReport.Pair(
                label: e.label, forced: e.forcedNotNext, first: tokenizer.decode(e.tokensA), second: tokenizer.decode(e.tokensB),
                firstSource: describe(e.sourceA), secondSource: describe(e.sourceB), tokens: tokenizer.tokens(of: e.inputIDs),
                ids: e.inputIDs, typeIds: e.tokenTypeIDs, truncatedTokens: e.truncatedTokenCount)
        }
        return NextSentencePairsReport(corpus: corpus.name, documents: corpus.documents.count, sentences: corpus.sentenceCount,
                                       pairsBuilt: examples.count, isNextCount: examples.filter(\.isNext).count,
                                       maxLength: maxLength, seed: seed, vocabulary: vocabulary, pairs: Array(shown))
    }

    /// The demo corpus or a file, with errors as `FileError` / `FormatError` naming it.
    static func loadCorpus(_ name: String) throws -> PretrainingCorpus {
        do {
            return try PretrainingCorpus.load(name)
        } catch let error as DatasetError {
            let kind: ErrorKind = error.kind == .file ? .file : error.kind == .format ? .format : .argument
            throw SessionError(kind, error.description, argument: "corpus")
        }
    }

    /// Where a pre-training vocabulary comes from.
    public enum VocabularySource: String, CaseIterable, Sendable {
        /// The loaded model's tokenizer (the corpus vocabulary when no model is loaded, for `nsp`).
        case model
        /// A small vocabulary built from the corpus (`PretrainingVocabulary`).
        case corpus
    }

    /// The tokenizer for a corpus and a phrase saying where it came from.
    func corpusTokenizer(_ corpus: PretrainingCorpus, source: VocabularySource) throws -> (BertTokenizer, String) {
        if source == .model, let model {
            return (model.tokenizer, "the loaded model's tokenizer (\(model.tokenizer.vocabularySize) tokens)")
        }
        let tokenizer = try PretrainingVocabulary.tokenizer(for: corpus.documents)
        return (tokenizer, "a vocabulary of \(tokenizer.vocabularySize) tokens built from the corpus")
    }
}
