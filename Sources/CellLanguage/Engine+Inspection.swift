import Display

extension Engine {
    /// Help for what is at `cursor` (Unicode scalars): the command or bound name under or just
    /// before the cursor, else the command whose parentheses enclose the cursor (Shift-Tab inside
    /// a call shows its signature, led by the parameter's line when the cursor is on a label or
    /// its value). `text/plain` and `text/markdown`; nil when there is nothing.
    public func inspect(_ code: String, cursor: Int) -> MimeBundle? {
        let tokens = Lexer.tokenize(code).tokens
        let cursor = max(0, cursor)
        if let index = tokens.firstIndex(where: { $0.range.start.offset <= cursor && cursor <= $0.range.end.offset && Engine.isIdentifier($0) }),
           case .identifier(let name) = tokens[index].kind {
            let isLabel = index + 1 < tokens.count && tokens[index + 1].isPunctuation(":")
            if !isLabel, let bundle = Help.bundle(for: name, registry: registry, session: session) { return bundle }
        }
        let index = tokens.firstIndex { $0.range.end.offset > cursor } ?? tokens.count - 1
        guard let context = callContext(tokens, before: index),
              var bundle = Help.bundle(for: context.callee, registry: registry, session: session)
        else { return nil }
        // On a label (or the value after it), the parameter's own line comes first.
        var label = context.label
        if label == nil, index < tokens.count, case .identifier(let word) = tokens[index].kind,
           index + 1 < tokens.count, tokens[index + 1].isPunctuation(":") {
            label = word
        }
        if let label, let parameter = registry.overloads(context.callee).lazy.compactMap({ $0.parameters.first { $0.label == label } }).first {
            let line = "\(label): " + Help.parameterLine(parameter)
            bundle.data["text/plain"] = .string(line + "\n\n" + (bundle.plainText ?? ""))
            if let markdown = bundle.data["text/markdown"]?.stringValue {
                bundle.data["text/markdown"] = .string("`\(label):` " + Help.parameterLine(parameter) + "\n\n" + markdown)
            }
        }
        return bundle
    }

    static func isIdentifier(_ token: Token) -> Bool {
        if case .identifier = token.kind { return true }
        return false
    }
}
