extension BertTokenizer {
    /// Encodes one text or a pair as `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]`.
    ///
    /// - maxLength: total length including template tokens; nil means no truncation. As in
    ///   `transformers`/`tokenizers`, a `maxLength` smaller than the number of template tokens
    ///   (2 single, 3 pair) leaves the input untruncated.
    /// - truncation: how to shorten to `maxLength` (`longestFirst` like `truncation=True`).
    /// - padding: `.maxLength` pads to `maxLength`; `.longest` does nothing for one input.
    /// - pair: the second text; an empty pair counts as none, as in `transformers` (which tests
    ///   `if text_pair`).
    /// - throws: `WordPieceError` when `onlyFirst`/`onlySecond` cannot reach `maxLength`.
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = nil,
                       truncation: BertTruncation = .longestFirst, padding: BertPadding = .doNotPad) throws -> BertEncoding {
        var (first, second) = sequences(text, pair: pair)
        if let maxLength {
            try truncate(&first, &second, maxLength: maxLength, strategy: truncation)
        }
        var result = template(first, second)
        if padding == .maxLength, let maxLength { pad(&result, to: maxLength) }
        return result
    }

    /// Encodes a batch; `.longest` pads every encoding to the longest one, `.maxLength` to `maxLength`.
    /// - pairs: nil, or one second text per text.
    public func encodeBatch(_ texts: [String], pairs: [String]? = nil, maxLength: Int? = nil,
                            truncation: BertTruncation = .longestFirst, padding: BertPadding = .doNotPad) throws -> [BertEncoding] {
        if let pairs, pairs.count != texts.count {
            throw WordPieceError("encodeBatch got \(texts.count) texts but \(pairs.count) pairs")
        }
        var encodings = try texts.indices.map { index in
            try encode(texts[index], pair: pairs?[index], maxLength: maxLength, truncation: truncation,
                       padding: padding == .maxLength ? .maxLength : .doNotPad)
        }
        if padding == .longest, let longest = encodings.map(\.count).max() {
            for index in encodings.indices { pad(&encodings[index], to: longest) }
        }
        return encodings
    }

    /// The two sequences of an input, without template tokens: A, and B when `pair` is not empty
    /// (`transformers` tests `if text_pair`).
    func sequences(_ text: String, pair: String?) -> (BertEncoding, BertEncoding?) {
        var first = BertEncoding()
        appendSequence(text, sequenceId: 0, typeId: 0, to: &first)
        guard let pair, !pair.isEmpty else { return (first, nil) }
        var second = BertEncoding()
        appendSequence(pair, sequenceId: 1, typeId: 1, to: &second)
        return (first, second)
    }

    /// `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` (the second `[SEP]` of type 1).
    func template(_ first: BertEncoding, _ second: BertEncoding?) -> BertEncoding {
        var result = BertEncoding()
        result.append(id: classifierTokenId, token: classifierToken, typeId: 0, special: true, offset: 0..<0, wordId: nil, sequenceId: nil)
        append(first, to: &result)
        result.append(id: separatorTokenId, token: separatorToken, typeId: 0, special: true, offset: 0..<0, wordId: nil, sequenceId: nil)
        if let second {
            append(second, to: &result)
            result.append(id: separatorTokenId, token: separatorToken, typeId: 1, special: true, offset: 0..<0, wordId: nil, sequenceId: nil)
        }
        return result
    }

    /// Right-pads with `[PAD]` (type id 0, attention 0) up to `length`.
    public func pad(_ encoding: inout BertEncoding, to length: Int) {
        let padId = paddingTokenId
        while encoding.count < length {
            encoding.append(id: padId, token: paddingToken, typeId: 0, special: true, offset: 0..<0, wordId: nil, sequenceId: nil,
                            attention: 0)
        }
    }

    func append(_ part: BertEncoding, to result: inout BertEncoding) {
        result.ids += part.ids
        result.tokens += part.tokens
        result.typeIds += part.typeIds
        result.attentionMask += part.attentionMask
        result.specialTokensMask += part.specialTokensMask
        result.offsets += part.offsets
        result.wordIds += part.wordIds
        result.sequenceIds += part.sequenceIds
    }

    /// `tokenizers`' `truncate_encodings` (`utils/truncation.rs`) with the budget
    /// b = maxLength - template tokens; checked against `transformers` 5 in the fixtures,
    /// including the tie cases of REFERENCE.md: (4, 4), b = 7 -> (3, 4); (6, 2), b = 4 -> (2, 2).
    func truncate(_ first: inout BertEncoding, _ second: inout BertEncoding?, maxLength: Int, strategy: BertTruncation) throws {
        let (limit1, limit2) = try truncationLimits(first.count, second?.count, maxLength: maxLength, strategy: strategy)
        keepPrefix(&first, limit1)
        if second != nil { keepPrefix(&second!, limit2) }
    }

    /// The most tokens A and B may keep (`Int.max`: untouched), as `truncate_encodings` computes
    /// the `max_len` it passes to `Encoding::truncate` for each; the sliding windows
    /// (`encodeWindows`) cut each sequence into windows of these lengths.
    /// - n2: B's length, nil for a single text
    func truncationLimits(_ n1: Int, _ n2: Int?, maxLength: Int, strategy: BertTruncation) throws -> (Int, Int) {
        let untouched = (Int.max, Int.max)
        let templateCount = n2 == nil ? 2 : 3
        guard strategy != .doNotTruncate, maxLength >= templateCount else { return untouched }
        let budget = maxLength - templateCount
        let hasSecond = n2 != nil
        let n2 = n2 ?? 0
        // tokenizers empties both sequences before looking at the strategy or the lengths, so
        // even only_second without a second text succeeds here.
        if budget == 0 { return (0, 0) }
        guard n1 + n2 > budget else { return untouched }
        switch strategy {
        case .doNotTruncate:
            return untouched
        case .longestFirst:
            if !hasSecond { return (budget, Int.max) }
            if n1 <= n2 {
                let keep1 = min(n1, budget / 2)
                return (keep1, budget - keep1)
            }
            let keep2 = min(n2, budget / 2)
            return (budget - keep2, keep2)
        case .onlyFirst:
            let excess = n1 + n2 - budget
            guard n1 > excess else {
                throw WordPieceError("cannot truncate to \(maxLength) tokens: the first text has \(n1) tokens, \(excess) would have to go (truncation only_first)")
            }
            return (n1 - excess, Int.max)
        case .onlySecond:
            let excess = n1 + n2 - budget
            guard hasSecond, n2 > excess else {
                throw WordPieceError(!hasSecond
                    ? "cannot truncate only the second text: there is none (truncation only_second)"
                    : "cannot truncate to \(maxLength) tokens: the second text has \(n2) tokens, \(excess) would have to go (truncation only_second)")
            }
            return (Int.max, n2 - excess)
        }
    }

    func keepPrefix(_ encoding: inout BertEncoding, _ count: Int) {
        guard count < encoding.count else { return }
        encoding.ids.removeSubrange(count...)
        encoding.tokens.removeSubrange(count...)
        encoding.typeIds.removeSubrange(count...)
        encoding.attentionMask.removeSubrange(count...)
        encoding.specialTokensMask.removeSubrange(count...)
        encoding.offsets.removeSubrange(count...)
        encoding.wordIds.removeSubrange(count...)
        encoding.sequenceIds.removeSubrange(count...)
    }
}
