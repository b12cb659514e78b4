/// The uncased BERT tokenizer exactly as `transformers` 5's `BertTokenizer` runs it through
/// the Rust `tokenizers` library: added tokens matched on the raw text, `BertNormalizer`,
/// `BertPreTokenizer` (split on whitespace, every punctuation scalar its own word), WordPiece,
/// and the `[CLS] A [SEP] B [SEP]` template.
///
///     let tokenizer = try BertTokenizer(directory: modelDirectory)
///     let encoding = try tokenizer.encode("The child came home.", pair: "It was late.", maxLength: 128)
///     encoding.tokens   // ["[CLS]", "the", "child", "came", "home", ".", "[SEP]", "it", ...]
///
/// No tensors here: ids are `Int`; the Bert target turns batches into buffers.
public final class BertTokenizer: @unchecked Sendable {
    /// Token of each id (vocabulary, then added tokens beyond it).
    public let idToToken: [String]
    public let normalizer: BertNormalizer
    /// Tokens matched before normalisation (`[CLS]`, `[SEP]`, `[MASK]`, ...).
    public let addedTokens: [AddedToken]
    public let unknownToken: String
    public let classifierToken: String
    public let separatorToken: String
    public let paddingToken: String
    public let maskToken: String
    /// `model_max_length` from the configuration, when it gives a usable one.
    public let modelMaxLength: Int?
    public let unknownTokenId: Int
    public let classifierTokenId: Int
    public let separatorTokenId: Int
    public let paddingTokenId: Int
    public let maskTokenId: Int

    let model: WordPieceModel
    /// Vocabulary and added tokens, keyed by exact scalars.
    private let tokenToId: [ExactToken: Int]
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    private let specialIds: Set<Int>

    /// Number of ids, added tokens included.
    public var vocabularySize: Int { idToToken.count }
    /// Number of ids of the WordPiece vocabulary proper (max vocabulary id + 1); added tokens
    /// that are not in it come after.
    public let baseVocabularySize: Int

    /// - vocabulary: token -> id; ids need not be contiguous but must be unique.
    /// - addedTokens: extra tokens matched before normalisation. The five special tokens are
    ///   added automatically (with their vocabulary id, or a new id past the vocabulary).
    public convenience init(vocabulary: [String: Int],
                            normalizer: BertNormalizer = BertNormalizer(),
                            unknownToken: String = "[UNK]", classifierToken: String = "[CLS]", separatorToken: String = "[SEP]",
                            paddingToken: String = "[PAD]", maskToken: String = "[MASK]",
                            addedTokens: [AddedToken] = [],
                            continuingSubwordPrefix: String = "##", maxInputCharsPerWord: Int = 100,
                            modelMaxLength: Int? = nil) throws {
        try self.init(entries: vocabulary.map { ($0.key, $0.value) }, normalizer: normalizer, unknownToken: unknownToken,
                      classifierToken: classifierToken, separatorToken: separatorToken, paddingToken: paddingToken,
                      maskToken: maskToken, addedTokens: addedTokens, continuingSubwordPrefix: continuingSubwordPrefix,
                      maxInputCharsPerWord: maxInputCharsPerWord, modelMaxLength: modelMaxLength, source: nil)
    }

    /// - entries: (token, id) pairs; a repeated token keeps its last id.
    init(entries: [(String, Int)], normalizer: BertNormalizer, unknownToken: String, classifierToken: String,
         separatorToken: String, paddingToken: String, maskToken: String, addedTokens: [AddedToken],
         continuingSubwordPrefix: String, maxInputCharsPerWord: Int, modelMaxLength: Int?, source: String?) throws {
        var vocabulary: [ExactToken: Int] = [:]
        vocabulary.reserveCapacity(entries.count)
        for (token, id) in entries { vocabulary[ExactToken(token)] = id }
        var tokenToId = vocabulary
        var added = addedTokens
        for token in added {
            if let existing = tokenToId[ExactToken(token.content)], existing != token.id {
                throw WordPieceError(file: source, "added token '\(token.content)' has id \(token.id) but the vocabulary gives it \(existing)")
            }
            tokenToId[ExactToken(token.content)] = token.id
        }
        for special in [paddingToken, unknownToken, classifierToken, separatorToken, maskToken]
        where !added.contains(where: { $0.content.utf8.elementsEqual(special.utf8) }) {
            let id = tokenToId[ExactToken(special)] ?? ((tokenToId.values.max() ?? -1) + 1)
            tokenToId[ExactToken(special)] = id
            added.append(AddedToken(content: special, id: id))
        }
        guard let unknownId = vocabulary[ExactToken(unknownToken)] else {
            throw WordPieceError(file: source, "the unknown token '\(unknownToken)' is not in the vocabulary")
        }
        let maxId = tokenToId.values.max() ?? -1
        var idToToken = [String?](repeating: nil, count: maxId + 1)
        for (token, id) in tokenToId {
            guard id >= 0 else { throw WordPieceError(file: source, "token '\(token.text)' has negative id \(id)") }
            if let other = idToToken[id] {
                throw WordPieceError(file: source, "tokens '\(other)' and '\(token.text)' share id \(id)")
            }
            idToToken[id] = token.text
        }
        // tokenizers keeps a normalized added token under its normalised form ("NewWord" is
        // id_to_token "newword"), which is what encodings show and decode writes.
        for token in added where token.normalized {
            idToToken[token.id] = normalizer.normalize(token.content)
        }
        // Ids no token claims (a repeated line in vocab.txt) decode as the unknown token.
        self.idToToken = idToToken.map { $0 ?? unknownToken }
        self.tokenToId = tokenToId
        self.normalizer = normalizer
        self.addedTokens = added
        self.unknownToken = unknownToken
        self.classifierToken = classifierToken
        self.separatorToken = separatorToken
        self.paddingToken = paddingToken
        self.maskToken = maskToken
        self.modelMaxLength = modelMaxLength
        self.unknownTokenId = unknownId
        self.baseVocabularySize = (vocabulary.values.max() ?? -1) + 1
        self.classifierTokenId = tokenToId[ExactToken(classifierToken)]!
        self.separatorTokenId = tokenToId[ExactToken(separatorToken)]!
        self.paddingTokenId = tokenToId[ExactToken(paddingToken)]!
        self.maskTokenId = tokenToId[ExactToken(maskToken)]!
        self.model = WordPieceModel(vocabulary: vocabulary, unknownId: unknownId, unknownToken: unknownToken,
                                    continuingSubwordPrefix: continuingSubwordPrefix, maxInputCharsPerWord: maxInputCharsPerWord)
        self.rawMatcher = AddedTokenMatcher(added.filter { !$0.normalized }) { $0.content.unicodeScalars.map(\.value) }
        self.normalizedMatcher = AddedTokenMatcher(added.filter(\.normalized)) { [normalizer] in
            normalizer.normalize($0.content).unicodeScalars.map(\.value)
        }
        self.specialIds = Set(added.filter(\.special).map(\.id))
    }

    /// Id of a token, if it is in the vocabulary or an added token.
    public func id(of token: String) -> Int? { tokenToId[ExactToken(token)] }

    /// The wordpieces of `text`, without `[CLS]`/`[SEP]`:
    /// `tokenize("Unaffable!")` -> `["una", "##ff", "##able", "!"]`.
    public func tokenize(_ text: String) -> [String] {
        var encoding = BertEncoding()
        appendSequence(text, sequenceId: 0, typeId: 0, to: &encoding)
        return encoding.tokens
    }

    /// Whether `id` is a special added token (skipped by `decode(_:skipSpecialTokens: true)`).
    public func isSpecial(_ id: Int) -> Bool { specialIds.contains(id) }

    /// Appends the tokens of one sequence (no template tokens).
    func appendSequence(_ text: String, sequenceId: Int, typeId: Int, to encoding: inout BertEncoding) {
        let scalars = text.unicodeScalars.map(\.value)
        var wordIndex = 0
        var normalized: [UInt32] = []
        var origins: [Int] = []
        var pieces: [WordPieceModel.Piece] = []
        var scratch = WordPieceModel.Scratch()
        for segment in rawMatcher.split(scalars, 0..<scalars.count) {
            switch segment {
            case .token(let token, let range):
                encoding.append(id: token.id, token: token.content, typeId: typeId, special: false, offset: range,
                                wordId: wordIndex, sequenceId: sequenceId)
                wordIndex += 1
            case .text(let range):
                normalized.removeAll(keepingCapacity: true)
                origins.removeAll(keepingCapacity: true)
                normalizer.normalize(scalars, range, into: &normalized, origins: &origins)
                for inner in normalizedMatcher.split(normalized, 0..<normalized.count) {
                    switch inner {
                    case .token(let token, let range):
                        encoding.append(id: token.id, token: idToToken[token.id], typeId: typeId, special: false,
                                        offset: origins[range.lowerBound]..<(origins[range.upperBound - 1] + 1),
                                        wordId: wordIndex, sequenceId: sequenceId)
                        wordIndex += 1
                    case .text(let range):
                        BertPreTokenizer.forEachWord(normalized, range) { word in
                            pieces.removeAll(keepingCapacity: true)
                            model.tokenize(normalized[word], into: &pieces, scratch: &scratch)
                            for piece in pieces {
                                let first = word.lowerBound + piece.range.lowerBound
                                let last = word.lowerBound + piece.range.upperBound - 1
                                encoding.append(id: piece.id, token: piece.token, typeId: typeId, special: false,
                                                offset: origins[first]..<(origins[last] + 1), wordId: wordIndex, sequenceId: sequenceId)
                            }
                            wordIndex += 1
                        }
                    }
                }
            }
        }
    }
}
