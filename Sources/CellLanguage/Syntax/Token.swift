/// One lexical token of the cell language.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case identifier(String)
        /// `let`, `true`, `false`, `nil`.
        case keyword(String)
        case integer(Int)
        case double(Double)
        /// A string literal's decoded value. `terminated` is false when the input ended inside it.
        case string(String, terminated: Bool)
        /// One of `( ) [ ] , : ; = ? -`.
        case punctuation(Character)
        case newline
        case endOfInput
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .keyword(let word): return "'\(word)'"
        case .integer(let i): return "'\(i)'"
        case .double(let d): return "'\(d)'"
        case .string: return "a string"
        case .punctuation(let c): return "'\(c)'"
        case .newline: return "the end of the line"
        case .endOfInput: return "the end of the cell"
        }
    }

    func isPunctuation(_ c: Character) -> Bool { kind == .punctuation(c) }
}

/// Something the lexer could not read. Lexing never stops on a problem (completion and
/// `is_complete` need the tokens around it); execution reports the first one as a SyntaxError.
public struct LexIssue: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The input ended inside a string or a block comment: more lines may complete it.
        case unterminatedAtEnd
        /// Anything else: the cell can never become valid by adding lines.
        case invalid
    }
    public var kind: Kind
    public var message: String
    public var range: SourceRange
}
