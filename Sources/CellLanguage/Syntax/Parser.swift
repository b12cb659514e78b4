/// A syntax error at a place in the cell. `atEnd` marks errors caused by the cell ending too
/// early (an open bracket, a dangling `let x =`), which `is_complete` reports as incomplete.
public struct ParseError: Error, Equatable, Sendable {
    public var message: String
    public var range: SourceRange
    public var atEnd: Bool
}

/// Recursive-descent parser for the cell language:
///
///     cell      := separator* (statement (separator+ statement)*)? separator*
///     separator := newline | ';'
///     statement := 'let' IDENT '=' expr | '?' IDENT? | expr
///     expr      := literal | '-' number | IDENT | IDENT '(' args? ')' | '[' (expr (',' expr)* ','?)? ']'
///     args      := arg (',' arg)* ','?
///     arg       := (IDENT ':')? expr
///
/// Newlines inside parentheses and brackets are ignored, so a call may span lines.
public struct Parser {
    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    /// Nesting of arrays and calls beyond this is refused rather than overflowing the stack.
    public static let maximumDepth = 100

    /// Lexes and parses `source`; the first lexical issue, if any, is the error.
    public static func parse(_ source: String) throws -> Program {
        let (tokens, issues) = Lexer.tokenize(source)
        if let issue = issues.first {
            throw ParseError(message: issue.message, range: issue.range, atEnd: issue.kind == .unterminatedAtEnd)
        }
        var parser = Parser(tokens: tokens)
        return try parser.parseProgram()
    }

    public init(tokens: [Token]) {
        precondition(tokens.last?.kind == .endOfInput, "token streams end with .endOfInput")
        self.tokens = tokens
    }

    private var current: Token { tokens[position] }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func error(_ message: String, at token: Token) -> ParseError {
        ParseError(message: message, range: token.range, atEnd: token.kind == .endOfInput)
    }

    private mutating func skipNewlines() {
        while current.kind == .newline { _ = advance() }
    }

    private mutating func expect(_ c: Character, _ what: String) throws -> Token {
        guard current.isPunctuation(c) else { throw error("expected \(what), found \(current.display)", at: current) }
        return advance()
    }

    public mutating func parseProgram() throws -> Program {
        var statements: [Statement] = []
        var endsWithSemicolon = false
        while true {
            while current.kind == .newline || current.isPunctuation(";") {
                if current.isPunctuation(";") { endsWithSemicolon = true }
                _ = advance()
            }
            if current.kind == .endOfInput { break }
            endsWithSemicolon = false
            statements.append(try parseStatement())
            switch current.kind {
            case .newline, .endOfInput, .punctuation(";"): continue
            default:
                throw error("expected the end of the statement, found \(current.display); put each statement on its own line or separate them with ';'", at: current)
            }
        }
        return Program(statements: statements, suppressesResult: endsWithSemicolon)
    }

    private mutating func parseStatement() throws -> Statement {
        let first = current
        if first.kind == .keyword("let") {
            _ = advance()
            guard case .identifier(let name) = current.kind else {
                if case .keyword(let word) = current.kind {
                    throw error("'\(word)' is a keyword and cannot be used as a name", at: current)
                }
                throw error("expected a name after 'let', found \(current.display)", at: current)
            }
            let nameToken = advance()
            _ = try expect("=", "'=' after 'let \(name)'")
            skipNewlines()
            let value = try parseExpression()
            return .binding(name: name, nameRange: nameToken.range, value: value, range: first.range.union(value.range))
        }
        if first.isPunctuation("?") {
            _ = advance()
            if case .identifier(let name) = current.kind {
                let nameToken = advance()
                return .help(name: name, range: first.range.union(nameToken.range))
            }
            if current.kind == .newline || current.kind == .endOfInput || current.isPunctuation(";") {
                return .help(name: nil, range: first.range)
            }
            throw error("expected a command name after '?', found \(current.display)", at: current)
        }
        return .expression(try parseExpression())
    }

    private mutating func parseExpression() throws -> Expression {
        let token = current
        switch token.kind {
        case .integer(let i):
            _ = advance()
            return .literal(.integer(i), token.range)
        case .double(let d):
            _ = advance()
            return .literal(.double(d), token.range)
        case .string(let s, _):
            _ = advance()
            return .literal(.string(s), token.range)
        case .keyword("true"):
            _ = advance()
            return .literal(.bool(true), token.range)
        case .keyword("false"):
            _ = advance()
            return .literal(.bool(false), token.range)
        case .keyword("nil"):
            _ = advance()
            return .literal(.null, token.range)
        case .punctuation("-"):
            _ = advance()
            let number = current
            switch number.kind {
            case .integer(let i):
                // `- -9223372036854775808` is the one negation that does not fit.
                let (negated, overflow) = Int(0).subtractingReportingOverflow(i)
                guard !overflow else { throw error("integer literal \(negated.magnitude) does not fit in 64 bits", at: number) }
                _ = advance()
                return .literal(.integer(negated), token.range.union(number.range))
            case .double(let d):
                _ = advance()
                return .literal(.double(-d), token.range.union(number.range))
            default:
                throw error("expected a number after '-', found \(number.display)", at: number)
            }
        case .punctuation("["):
            return try parseArray()
        case .identifier(let name):
            _ = advance()
            if current.isPunctuation("(") { return .call(try parseCall(name: name, nameRange: token.range)) }
            return .identifier(name, token.range)
        case .keyword("let"):
            throw error("'let' starts a statement and cannot be used inside an expression", at: token)
        case .endOfInput:
            throw error("expected a value, but the cell ends here", at: token)
        default:
            throw error("expected a value, found \(token.display)", at: token)
        }
    }

    private mutating func enter(_ token: Token) throws {
        depth += 1
        if depth > Parser.maximumDepth {
            throw ParseError(message: "arrays and calls are nested more than \(Parser.maximumDepth) deep", range: token.range, atEnd: false)
        }
    }

    private mutating func parseArray() throws -> Expression {
        let open = advance()
        try enter(open)
        defer { depth -= 1 }
        var elements: [Expression] = []
        skipNewlines()
        while !current.isPunctuation("]") {
            elements.append(try parseExpression())
            skipNewlines()
            if current.isPunctuation(",") {
                _ = advance()
                skipNewlines()
            } else if !current.isPunctuation("]") {
                throw error("expected ',' or ']' in the array, found \(current.display)", at: current)
            }
        }
        let close = advance()
        return .array(elements, open.range.union(close.range))
    }

    private mutating func parseCall(name: String, nameRange: SourceRange) throws -> Call {
        try enter(advance())  // (
        defer { depth -= 1 }
        var arguments: [Argument] = []
        skipNewlines()
        while !current.isPunctuation(")") {
            var label: String?
            var labelRange: SourceRange?
            if case .identifier(let word) = current.kind, tokens[position + 1].isPunctuation(":") {
                label = word
                labelRange = current.range
                _ = advance(); _ = advance()
                skipNewlines()
            }
            arguments.append(Argument(label: label, labelRange: labelRange, value: try parseExpression()))
            skipNewlines()
            if current.isPunctuation(",") {
                _ = advance()
                skipNewlines()
            } else if !current.isPunctuation(")") {
                throw error("expected ',' or ')' after the argument of \(name)(...), found \(current.display)", at: current)
            }
        }
        let close = advance()
        return Call(name: name, nameRange: nameRange, arguments: arguments, range: nameRange.union(close.range))
    }
}
