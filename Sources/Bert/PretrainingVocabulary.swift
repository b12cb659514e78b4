import WordPiece

/// A small WordPiece vocabulary built from a pre-training corpus, so that a BERT pre-trained
/// from scratch on a few hundred sentences has an output layer of about a thousand tokens
/// instead of BERT-base's 30522 (the MLM softmax is the largest matrix product of a small
/// model; with the full vocabulary it would dominate every step).
///
///     let tokenizer = try PretrainingVocabulary.tokenizer(for: corpus.documents)
///     tokenizer.vocabularySize   // specials + words + characters
///
/// Layout, in id order (the order `vocab.txt` is written in):
/// 1. `[PAD]` 0, `[UNK]` 1, `[CLS]` 2, `[SEP]` 3, `[MASK]` 4;
/// 2. every word of the corpus as BERT's uncased tokenizer splits it (normalised, split on
///    whitespace and punctuation), most frequent first, ties alphabetical;
/// 3. every character of those words, alone and as a `##` continuation.
/// Part 3 makes any text written in the corpus' characters tokenise without `[UNK]`: an
/// unseen word falls back to characters, as WordPiece does with BERT's own vocabulary.
public enum PretrainingVocabulary {
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// The tokens in id order.
    /// - documents: sentences of each document
    public static func tokens(for documents: [[String]]) throws -> [String] {
        let words = try self.words(in: documents.joined())
        var counts: [String: Int] = [:]
        for word in words { counts[word, default: 0] += 1 }
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        var characters = Set<String>()
        for word in ranked { for scalar in word.unicodeScalars { characters.insert(String(scalar)) } }
        var tokens = specialTokens
        var seen = Set(tokens)
        func add(_ token: String) {
            if seen.insert(token).inserted { tokens.append(token) }
        }
        ranked.forEach(add)
        for character in characters.sorted() {
            add(character)
            add("##" + character)
        }
        return tokens
    }

    /// An uncased BERT tokenizer over `tokens(for:)`.
    public static func tokenizer(for documents: [[String]]) throws -> BertTokenizer {
        let tokens = try self.tokens(for: documents)
        return try BertTokenizer(vocabulary: Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, $0) }))
    }

    /// The words of `sentences` as BERT's basic tokenizer makes them. A tokenizer whose
    /// vocabulary holds only the special tokens turns every word into one `[UNK]` whose offsets
    /// span the word, so the real pre-tokenizer (whitespace, punctuation, CJK characters) does
    /// the splitting; each word's text is then normalised (lower case, accents stripped).
    static func words(in sentences: some Sequence<String>) throws -> [String] {
        let splitter = try BertTokenizer(vocabulary: Dictionary(uniqueKeysWithValues: specialTokens.enumerated().map { ($1, $0) }))
        var words: [String] = []
        for sentence in sentences {
            let scalars = Array(sentence.unicodeScalars)
            let encoding = try splitter.encode(sentence)
            // Special tokens written in the text ("[MASK]") come out as themselves, not as [UNK].
            for (index, range) in encoding.offsets.enumerated()
            where encoding.ids[index] == splitter.unknownTokenId && !range.isEmpty {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[range])
                let raw = String(view)
                let word = splitter.normalizer.normalize(raw)
                if !word.isEmpty && !specialTokens.contains(raw) { words.append(word) }
            }
        }
        return words
    }
}
