/// A token matched in the text before normalisation and WordPiece, as `tokenizers`'
/// `AddedVocabulary` does: `[CLS]`, `[SEP]`, `[MASK]`, `[PAD]`, `[UNK]` and any user tokens.
///
/// Special tokens are `normalized: false`: they match the raw text, case-sensitively and
/// anywhere, even inside a word (`hello[MASK]world` -> `hello`, `[MASK]`, `world`), while
/// `[mask]` is ordinary text (`[`, `mask`, `]`). Tokens with `normalized: true` match the
/// normalised text instead.
public struct AddedToken: Equatable, Sendable {
    public var content: String
    public var id: Int
    public var special: Bool
    public var normalized: Bool
    /// Swallow whitespace on the left / right of a match.
    public var lstrip: Bool
    public var rstrip: Bool

    public init(content: String, id: Int, special: Bool = true, normalized: Bool = false, lstrip: Bool = false, rstrip: Bool = false) {
        self.content = content
        self.id = id
        self.special = special
        self.normalized = normalized
        self.lstrip = lstrip
        self.rstrip = rstrip
    }
}
