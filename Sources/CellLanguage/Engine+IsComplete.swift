extension Engine {
    /// Whether `code` is a whole cell: `.incomplete` while a bracket, string or block comment is
    /// open or the cell stops mid-statement (`let x =`, a trailing `,`); `.invalid` when no added
    /// line can fix it; `.complete` otherwise (including an empty cell).
    public func isComplete(_ code: String) -> CellCompleteness {
        let (tokens, issues) = Lexer.tokenize(code)
        if issues.contains(where: { $0.kind == .invalid }) { return .invalid }
        if !issues.isEmpty { return .incomplete(indent: "") }
        var depth = 0
        for token in tokens {
            switch token.kind {
            case .punctuation("("), .punctuation("["): depth += 1
            case .punctuation(")"), .punctuation("]"):
                depth -= 1
                if depth < 0 { return .invalid }
            default: break
            }
        }
        if depth > 0 { return .incomplete(indent: String(repeating: " ", count: 4 * depth)) }
        // Trailing newlines do not end a dangling `let x =`.
        var trimmed = Array(tokens.dropLast())
        while trimmed.last?.kind == .newline { trimmed.removeLast() }
        trimmed.append(tokens.last!)
        var parser = Parser(tokens: trimmed)
        do {
            _ = try parser.parseProgram()
            return .complete
        } catch let error as ParseError {
            return error.atEnd ? .incomplete(indent: "") : .invalid
        } catch {
            return .invalid
        }
    }
}
