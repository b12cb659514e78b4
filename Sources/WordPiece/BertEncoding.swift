/// One encoded input, `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`, padded or not. All arrays
/// have `count` entries (the sequence length T).
public struct BertEncoding: Equatable, Sendable {
    /// Vocabulary ids. (T)
    public var ids: [Int]
    /// The wordpiece of each id, e.g. `["[CLS]", "un", "##aff", "##able", "[SEP]"]`. (T)
    public var tokens: [String]
    /// 0 for `[CLS] A [SEP]`, 1 for `B [SEP]`, 0 for padding. (T)
    public var typeIds: [Int]
    /// 1 for real tokens, 0 for padding. (T)
    public var attentionMask: [Int]
    /// 1 for `[CLS]`, `[SEP]` and padding added by the template, 0 otherwise. (T)
    public var specialTokensMask: [Int]
    /// Range of Unicode scalars in the token's own text (A or B) it came from; `0..<0` for
    /// template tokens and padding. Matches `offset_mapping` of `transformers`. (T)
    public var offsets: [Range<Int>]
    /// Index of the pre-tokenized word (or added token) within its sequence; nil for template
    /// tokens and padding. Wordpieces of one word share it. (T)
    public var wordIds: [Int?]
    /// 0 for tokens of A, 1 for tokens of B, nil for template tokens and padding. (T)
    public var sequenceIds: [Int?]

    public var count: Int { ids.count }

    public init() {
        ids = []; tokens = []; typeIds = []; attentionMask = []; specialTokensMask = []
        offsets = []; wordIds = []; sequenceIds = []
    }

    mutating func append(id: Int, token: String, typeId: Int, special: Bool, offset: Range<Int>, wordId: Int?, sequenceId: Int?,
                         attention: Int = 1) {
        ids.append(id); tokens.append(token); typeIds.append(typeId); attentionMask.append(attention)
        specialTokensMask.append(special ? 1 : 0); offsets.append(offset); wordIds.append(wordId); sequenceIds.append(sequenceId)
    }
}

/// How a pair (or a single text) is shortened to `maxLength` tokens including `[CLS]`/`[SEP]`.
public enum BertTruncation: String, Sendable, CaseIterable {
    /// `tokenizers`' `LongestFirst`: with budget b = maxLength - 3, the shorter sequence keeps
    /// min(its length, b / 2) tokens (the first counts as shorter on a tie) and the longer
    /// fills the rest.
    case longestFirst = "longest_first"
    /// Remove tokens from the first sequence only; an error if it is too short.
    case onlyFirst = "only_first"
    /// Remove tokens from the second sequence only; an error if it is too short or absent.
    case onlySecond = "only_second"
    /// Never truncate.
    case doNotTruncate = "do_not_truncate"
}

/// Padding of encodings with `[PAD]` on the right.
public enum BertPadding: String, Sendable, CaseIterable {
    /// No padding.
    case doNotPad = "do_not_pad"
    /// Pad every encoding of a batch to the longest one.
    case longest
    /// Pad to `maxLength` (longer encodings stay as they are).
    case maxLength = "max_length"
}
