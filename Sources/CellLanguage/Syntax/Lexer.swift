/// Splits a cell into tokens, tracking line and column of each in Unicode scalars.
///
///     Lexer.tokenize("let x = train(epochs: 3)")  // let, x, =, train, (, epochs, :, 3, ), end
///
/// Comments (`//` to end of line, nested `/* */`) and spaces are skipped; newlines are tokens
/// because they end statements. Strings take Swift's escapes (`\n`, `\t`, `\r`, `\0`, `\"`,
/// `\'`, `\\`, `\u{1F600}`); `"""` opens a multi-line string whose closing delimiter's
/// indentation is removed from every line, as in Swift. A byte-order mark (U+FEFF) at the very
/// start, which editors on Windows and text pasted from files put there, is skipped and takes no
/// column.
public struct Lexer {
    public private(set) var tokens: [Token] = []
    public private(set) var issues: [LexIssue] = []

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    public static let keywords: Set<String> = ["let", "true", "false", "nil"]

    public init(_ source: String) {
        scalars = Array(source.unicodeScalars)
        run()
    }

    /// Tokens of `source`, ending with `.endOfInput`, plus any problems found.
    public static func tokenize(_ source: String) -> (tokens: [Token], issues: [LexIssue]) {
        let lexer = Lexer(source)
        return (lexer.tokens, lexer.issues)
    }

    private var location: SourceLocation { SourceLocation(offset: index, line: line, column: column) }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func issue(_ kind: LexIssue.Kind, _ message: String, from start: SourceLocation) {
        var end = location
        if end.offset == start.offset { end = SourceLocation(offset: start.offset + 1, line: start.line, column: start.column + 1) }
        issues.append(LexIssue(kind: kind, message: message, range: SourceRange(start, end)))
    }

    private mutating func run() {
        if peek() == "\u{FEFF}" { index += 1 }  // not `advance()`: the mark has no width
        while let c = peek() {
            let start = location
            switch c {
            case " ", "\t", "\r", "\u{0C}":
                advance()
            case "\n":
                advance()
                tokens.append(Token(.newline, SourceRange(start, location)))
            case "/" where peek(1) == "/":
                while let d = peek(), d != "\n" { advance() }
            case "/" where peek(1) == "*":
                skipBlockComment(from: start)
            case "\"":
                lexString(from: start)
            case "0"..."9":
                lexNumber(from: start)
            case "(", ")", "[", "]", ",", ":", ";", "=", "?", "-":
                advance()
                tokens.append(Token(.punctuation(Character(c)), SourceRange(start, location)))
            default:
                if Lexer.isIdentifierStart(c) {
                    var name = String.UnicodeScalarView()
                    while let d = peek(), Lexer.isIdentifierContinue(d) { name.append(d); advance() }
                    let word = String(name)
                    let kind: Token.Kind = Lexer.keywords.contains(word) ? .keyword(word) : .identifier(word)
                    tokens.append(Token(kind, SourceRange(start, location)))
                } else {
                    advance()
                    issue(.invalid, "unexpected character \(Lexer.describe(c))", from: start)
                }
            }
        }
        tokens.append(Token(.endOfInput, SourceRange(location, location)))
    }

    /// How a character the cell language cannot read is named in an error. One that shows as
    /// nothing or as a space (a zero-width space, a byte-order mark inside the cell, a no-break
    /// space, a control character) is named only by code point and Unicode name, since quoting
    /// it would show `''`; a visible one is quoted too:
    ///
    ///     describe("\u{200B}")  // U+200B ZERO WIDTH SPACE
    ///     describe("€")         // '€' (U+20AC EURO SIGN)
    static func describe(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16, uppercase: true)
        var name = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if let unicodeName = c.properties.name ?? c.properties.nameAlias { name += " " + unicodeName }
        var text: String
        switch c.properties.generalCategory {
        case _ where c.isASCII && c.value > 0x20 && c.value < 0x7F:
            text = "'\(c)'"
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .privateUse,
             .surrogate, .unassigned, .nonspacingMark, .enclosingMark, .spacingMark:
            text = name
        default:
            text = c.properties.isWhitespace || c.properties.isDefaultIgnorableCodePoint ? name : "'\(c)' (\(name))"
        }
        // Word processors and web pages turn quotes curly; the cell language needs straight ones.
        if ["\u{201C}", "\u{201D}", "\u{201E}", "\u{201F}", "\u{2033}", "\u{FF02}"].contains(c) {
            text += "; strings are written between straight quotes \""
        }
        return text
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }

    static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || ("0"..."9").contains(c)
    }

    private mutating func skipBlockComment(from start: SourceLocation) {
        advance(); advance()
        var depth = 1
        while let c = peek() {
            if c == "/" && peek(1) == "*" {
                depth += 1; advance(); advance()
            } else if c == "*" && peek(1) == "/" {
                depth -= 1; advance(); advance()
                if depth == 0 { return }
            } else {
                advance()
            }
        }
        issue(.unterminatedAtEnd, "unterminated comment: '/*' has no matching '*/'", from: start)
    }

    private mutating func lexNumber(from start: SourceLocation) {
        var text = ""
        var isDouble = false
        func digits(_ lexer: inout Lexer, into text: inout String) {
            while let d = lexer.peek(), ("0"..."9").contains(d) || d == "_" {
                if d != "_" { text.unicodeScalars.append(d) }
                lexer.advance()
            }
        }
        digits(&self, into: &text)
        if peek() == ".", let d = peek(1), ("0"..."9").contains(d) {
            isDouble = true
            text += "."
            advance()
            digits(&self, into: &text)
        }
        if let e = peek(), e == "e" || e == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if let d = peek(signed ? 2 : 1), ("0"..."9").contains(d) {
                isDouble = true
                text += "e"
                advance()
                if signed { text.unicodeScalars.append(peek()!); advance() }
                digits(&self, into: &text)
            }
        }
        // A number running into letters (`3epochs`, `0x1F`) is a typo, not two tokens.
        if let c = peek(), Lexer.isIdentifierStart(c) {
            while let d = peek(), Lexer.isIdentifierContinue(d) { advance() }
            issue(.invalid, "invalid number literal", from: start)
            return
        }
        let range = SourceRange(start, location)
        if isDouble {
            guard let value = Double(text), value.isFinite else {
                issue(.invalid, "number literal out of range", from: start)
                return
            }
            tokens.append(Token(.double(value), range))
        } else if let value = Int(text) {
            tokens.append(Token(.integer(value), range))
        } else if let minus = tokens.last, minus.kind == .punctuation("-"), let value = Int("-" + text) {
            // -9223372036854775808 (Int.min) fits in 64 bits though its digits alone do not: the
            // minus and the digits become one literal. (The language has no subtraction, so a
            // minus before a number is always its sign.)
            tokens[tokens.count - 1] = Token(.integer(value), minus.range.union(range))
        } else {
            issue(.invalid, "integer literal \(text) does not fit in 64 bits", from: start)
        }
    }

    private mutating func lexString(from start: SourceLocation) {
        if peek(1) == "\"" && peek(2) == "\"" {
            lexMultilineString(from: start)
            return
        }
        advance()
        var value = String.UnicodeScalarView()
        while let c = peek() {
            if c == "\"" {
                advance()
                tokens.append(Token(.string(String(value), terminated: true), SourceRange(start, location)))
                return
            }
            if c == "\n" {
                issue(.invalid, "string literal is not closed on its line (write \\n for a line break, or use a \"\"\" string)", from: start)
                return
            }
            if c == "\\" {
                if let scalar = lexEscape() { value.append(scalar) }
                continue
            }
            value.append(c)
            advance()
        }
        issue(.unterminatedAtEnd, "unterminated string literal", from: start)
        tokens.append(Token(.string(String(value), terminated: false), SourceRange(start, location)))
    }

    /// Reads one escape sequence starting at the backslash; records an issue and returns nil
    /// when it is not one of Swift's.
    private mutating func lexEscape() -> Unicode.Scalar? {
        let start = location
        advance()
        guard let e = peek() else { return nil }  // the unterminated string is reported by the caller
        advance()
        switch e {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "0": return "\0"
        case "\"": return "\""
        case "'": return "'"
        case "\\": return "\\"
        case "u":
            guard peek() == "{" else {
                issue(.invalid, "expected '{' after \\u, as in \\u{1F600}", from: start)
                return nil
            }
            advance()
            var hex = ""
            while let h = peek(), h.properties.isASCIIHexDigit { hex.unicodeScalars.append(h); advance() }
            guard peek() == "}" else {
                issue(.invalid, "expected '}' to close the \\u{...} escape", from: start)
                return nil
            }
            advance()
            guard (1...8).contains(hex.count), let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                issue(.invalid, "\\u{\(hex)} is not a Unicode scalar", from: start)
                return nil
            }
            return scalar
        default:
            issue(.invalid, "invalid escape sequence '\\\(e)' (Swift escapes: \\n \\t \\r \\0 \\\" \\' \\\\ \\u{...})", from: start)
            return nil
        }
    }

    /// `"""` newline, lines, then a line holding only indentation and `"""`. The closing line's
    /// indentation is stripped from every content line (Swift's rule); the newline before the
    /// closing delimiter is not part of the value.
    private mutating func lexMultilineString(from start: SourceLocation) {
        advance(); advance(); advance()
        while let c = peek(), c == " " || c == "\t" || c == "\r" { advance() }
        guard peek() == "\n" || peek() == nil else {
            issue(.invalid, "a multi-line string starts on the line after its opening \"\"\"", from: start)
            while let c = peek(), c != "\n" { advance() }
            return
        }
        if peek() == "\n" { advance() }
        var lines: [String.UnicodeScalarView] = [String.UnicodeScalarView()]
        while let c = peek() {
            if c == "\"" && peek(1) == "\"" && peek(2) == "\"" {
                let closing = lines.removeLast()
                guard closing.allSatisfy({ $0 == " " || $0 == "\t" }) else {
                    issue(.invalid, "the closing \"\"\" must be on its own line", from: location)
                    advance(); advance(); advance()
                    return
                }
                advance(); advance(); advance()
                var value = String.UnicodeScalarView()
                let indent = Array(closing)
                for (i, line) in lines.enumerated() {
                    if i > 0 { value.append("\n") }
                    let scalarsOfLine = Array(line)
                    if scalarsOfLine.starts(with: indent) {
                        value.append(contentsOf: scalarsOfLine[indent.count...])
                    } else if scalarsOfLine.allSatisfy({ $0 == " " || $0 == "\t" }) {
                        continue
                    } else {
                        issue(.invalid, "a line of the multi-line string is indented less than its closing \"\"\"", from: start)
                        return
                    }
                }
                tokens.append(Token(.string(String(value), terminated: true), SourceRange(start, location)))
                return
            }
            if c == "\n" || (c == "\r" && peek(1) == "\n") {
                if c == "\r" { advance() }  // CRLF files: the line break is one newline
                advance()
                lines.append(String.UnicodeScalarView())
                continue
            }
            if c == "\\" {
                if let scalar = lexEscape() { lines[lines.count - 1].append(scalar) }
                continue
            }
            lines[lines.count - 1].append(c)
            advance()
        }
        issue(.unterminatedAtEnd, "unterminated multi-line string", from: start)
        tokens.append(Token(.string(lines.map { String($0) }.joined(separator: "\n"), terminated: false),
                            SourceRange(start, location)))
    }
}
