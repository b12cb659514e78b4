extension BertTokenizer {
    /// Encodes a text (or pair) longer than `maxLength` as overlapping windows, exactly as
    /// `transformers`' tokenizer does with `return_overflowing_tokens=True, stride=stride`: the
    /// first window, then the overflowing ones in `tokenizers`' order. Each window is a complete
    /// `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` of at most `maxLength` tokens; consecutive
    /// windows of a sequence share `stride` tokens. A text that fits is one window, identical to
    /// `encode(text, pair:, maxLength:)`.
    ///
    ///     // 10 one-token words, maxLength 6, stride 2: a b c d | c d e f | e f g h | g h i j
    ///     try tokenizer.encodeWindows("a b c d e f g h i j", maxLength: 6, stride: 2).count   // 4
    ///     // pairs with .onlySecond: the first text repeats in every window
    ///     try tokenizer.encodeWindows(question, pair: document, maxLength: 128, stride: 32, truncation: .onlySecond)
    ///
    /// How (`tokenizers` 0.23, `utils/truncation.rs` and `tokenizer/encoding.rs`):
    /// - `truncate_encodings` gives each sequence a limit, as plain truncation does
    ///   (`truncationLimits`);
    /// - `Encoding::truncate(limit, stride)` cuts a sequence of n tokens into the parts
    ///   [s, min(s + limit, n)) for s = 0, limit - stride, ..., up to the part that reaches n; a
    ///   limit of 0 leaves an empty part and the whole sequence as the one overflow;
    /// - the template (`TemplateProcessing`, merged with `Encoding::merge_with`) pairs the parts:
    ///   (A0, B0), then for each later part Ai of A: (Ai, B0), (Ai, B1), ..., then (A0, B1),
    ///   (A0, B2), ...
    ///
    /// - throws: `WordPieceError` where `transformers` fails: a stride above maxLength - 2
    ///   (refused up front), `onlyFirst`/`onlySecond` cannot reach `maxLength` (as `encode`), or a
    ///   sequence must be cut into windows no longer than the stride (`tokenizers` panics:
    ///   "`stride` must be strictly less than `max_len`").
    public func encodeWindows(_ text: String, pair: String? = nil, maxLength: Int, stride: Int,
                              truncation: BertTruncation = .longestFirst) throws -> [BertEncoding] {
        precondition(stride >= 0, "the stride is a number of tokens")
        // tokenizers' `with_truncation` refuses this before looking at the text, counting the
        // single text's two template tokens even for a pair.
        if maxLength >= 2, stride > maxLength - 2 {
            throw WordPieceError("a stride of \(stride) tokens needs windows of at least \(stride + 2) tokens "
                                 + "(maxLength \(maxLength) holds \(maxLength - 2) besides [CLS] and [SEP])")
        }
        let (first, second) = sequences(text, pair: pair)
        let (limit1, limit2) = try truncationLimits(first.count, second?.count, maxLength: maxLength, strategy: truncation)
        let parts1 = try Self.windowRanges(count: first.count, limit: limit1, stride: stride, maxLength: maxLength,
                                           which: second == nil ? "the text" : "the first text")
        guard let second else { return parts1.map { template(first.slice($0), nil) } }
        let parts2 = try Self.windowRanges(count: second.count, limit: limit2, stride: stride, maxLength: maxLength,
                                           which: "the second text")
        var windows = [template(first.slice(parts1[0]), second.slice(parts2[0]))]
        for part1 in parts1.dropFirst() {
            for part2 in parts2 { windows.append(template(first.slice(part1), second.slice(part2))) }
        }
        for part2 in parts2.dropFirst() { windows.append(template(first.slice(parts1[0]), second.slice(part2))) }
        return windows
    }

    /// `Encoding::truncate(limit, stride)`'s parts of a sequence of `count` tokens, the first one
    /// first (the kept part) and then the overflowing ones.
    static func windowRanges(count: Int, limit: Int, stride: Int, maxLength: Int, which: String) throws -> [Range<Int>] {
        if limit >= count { return [0..<count] }
        if limit == 0 { return [0..<0, 0..<count] }
        guard stride < limit else {
            throw WordPieceError("windows of \(maxLength) tokens leave \(limit) tokens of \(which) per window, not more than "
                                 + "the stride (\(stride)): use a larger maxLength or a smaller stride")
        }
        var ranges: [Range<Int>] = []
        var start = 0
        while true {
            let stop = min(start + limit, count)
            ranges.append(start..<stop)
            if stop == count { return ranges }
            start += limit - stride
        }
    }
}

extension BertEncoding {
    /// The tokens in `range`, every field sliced alike (offsets and word ids stay those of the
    /// whole sequence, as in `tokenizers`).
    func slice(_ range: Range<Int>) -> BertEncoding {
        var part = BertEncoding()
        part.ids = Array(ids[range])
        part.tokens = Array(tokens[range])
        part.typeIds = Array(typeIds[range])
        part.attentionMask = Array(attentionMask[range])
        part.specialTokensMask = Array(specialTokensMask[range])
        part.offsets = Array(offsets[range])
        part.wordIds = Array(wordIds[range])
        part.sequenceIds = Array(sequenceIds[range])
        return part
    }
}
