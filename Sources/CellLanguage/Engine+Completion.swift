import Display
import Foundation

/// Where the cursor is, in terms of calls: the innermost call whose parentheses enclose it.
struct CallContext {
    var callee: String
    /// The label of the argument being written, nil for a positional one.
    var label: String?
    /// How many positional arguments come before the one being written.
    var positionalIndex: Int
    /// Labels already written in this call.
    var usedLabels: Set<String>
    /// True when the cursor is where an argument starts (right after `(` or `,`), so a label may be typed.
    var atArgumentStart: Bool
}

extension Engine {
    /// Completions at `cursor` (Unicode scalars): command names, bound names and keywords;
    /// argument labels right after `(` or `,` of a call; inside a string, the argument's
    /// enumerated values, and file paths for parameters declared with `paths: true` and for
    /// strings outside any known call. Returns the matches and the replaced range.
    public func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int, end: Int) {
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(0, cursor), scalars.count)
        let tokens = Lexer.tokenize(code).tokens

        if Engine.cursorIsInComment(scalars, cursor: cursor) { return ([], cursor, cursor) }

        // Inside a string literal: enumerated values or paths.
        if let index = tokens.firstIndex(where: { token in
            guard case .string(_, let terminated) = token.kind else { return false }
            return token.range.start.offset < cursor && (cursor < token.range.end.offset || (!terminated && cursor == token.range.end.offset))
        }) {
            let token = tokens[index]
            let isMultiline = scalars[token.range.start.offset...].starts(with: ["\"", "\"", "\""])
            let contentStart = min(cursor, token.range.start.offset + (isMultiline ? 3 : 1))
            let prefix = String(String.UnicodeScalarView(scalars[contentStart..<cursor]))
            let parameters = callContext(tokens, before: index).map { self.parameters(for: $0) } ?? []
            var matches = parameters.flatMap { $0.allowed + $0.suggestions + ($0.type == .command ? registry.names : []) }
                .filter { $0.hasPrefix(prefix) }
            // Paths where the parameter takes them, and in strings outside any known call (`let f = "...`).
            if parameters.isEmpty || parameters.contains(where: \.completesPaths) {
                matches += Engine.pathCompletions(prefix)
            }
            return (Engine.unique(matches), contentStart, cursor)
        }

        // An identifier (or keyword) being typed, or nothing yet.
        var start = cursor, end = cursor, prefix = ""
        var index = tokens.firstIndex { $0.range.end.offset >= cursor && $0.kind != .newline } ?? tokens.count - 1
        let token = tokens[index]
        if token.range.start.offset < cursor {
            switch token.kind {
            case .identifier(let word), .keyword(let word):
                start = token.range.start.offset
                end = token.range.end.offset
                prefix = String(word.unicodeScalars.prefix(cursor - start))
            default:
                // Inside a number or after punctuation that ends at the cursor.
                if token.range.end.offset > cursor || !Engine.isPunctuationToken(token) { return ([], cursor, cursor) }
                index += 1
            }
        }
        let previous = index > 0 ? tokens[index - 1] : nil

        var candidates: [String] = []
        if previous?.kind == .keyword("let") {
            return ([], start, end)  // a new name: nothing to offer
        } else if previous?.isPunctuation("?") == true {
            candidates = registry.names
        } else {
            if let context = callContext(tokens, before: index), context.atArgumentStart {
                let labels = registry.overloads(context.callee).flatMap(\.labels).filter { !context.usedLabels.contains($0) }
                candidates += Engine.unique(labels).map { $0 + ": " }
            }
            candidates += session.bindings.keys.sorted() + registry.names
            candidates += ["true", "false", "nil"]
            if previous == nil || previous?.kind == .newline || previous?.isPunctuation(";") == true { candidates.append("let") }
        }
        return (Engine.unique(candidates.filter { $0.hasPrefix(prefix) }), start, end)
    }

    /// The innermost call enclosing the token at `index`.
    func callContext(_ tokens: [Token], before index: Int) -> CallContext? {
        struct Frame {
            var callee: String?
            var label: String?
            var positional = 0
            var currentIsPositional = true
            var used: Set<String> = []
            var atStart = true
        }
        var frames: [Frame] = []
        for i in 0..<index {
            let token = tokens[i]
            switch token.kind {
            case .punctuation("("):
                var callee: String?
                if i > 0, case .identifier(let name) = tokens[i - 1].kind { callee = name }
                frames.append(Frame(callee: callee))
            case .punctuation("["):
                if !frames.isEmpty { frames[frames.count - 1].atStart = false }
                frames.append(Frame(callee: nil))
            case .punctuation(")"), .punctuation("]"):
                if !frames.isEmpty { frames.removeLast() }
                if !frames.isEmpty { frames[frames.count - 1].atStart = false }
            case .punctuation(","):
                guard !frames.isEmpty else { continue }
                if frames[frames.count - 1].currentIsPositional { frames[frames.count - 1].positional += 1 }
                frames[frames.count - 1].label = nil
                frames[frames.count - 1].currentIsPositional = true
                frames[frames.count - 1].atStart = true
            case .identifier(let word) where i + 1 < tokens.count && tokens[i + 1].isPunctuation(":"):
                guard !frames.isEmpty else { continue }
                frames[frames.count - 1].label = word
                frames[frames.count - 1].currentIsPositional = false
                frames[frames.count - 1].used.insert(word)
                frames[frames.count - 1].atStart = false
            case .newline:
                continue
            case .punctuation(":"):
                continue
            default:
                if !frames.isEmpty { frames[frames.count - 1].atStart = false }
            }
        }
        // Arrays inside an argument belong to that argument.
        guard let callIndex = frames.lastIndex(where: { $0.callee != nil }) else { return nil }
        let frame = frames[callIndex]
        return CallContext(callee: frame.callee!, label: frame.label, positionalIndex: frame.positional,
                           usedLabels: frame.used, atArgumentStart: callIndex == frames.count - 1 && frame.atStart)
    }

    /// The parameters (across overloads) the argument at `context` may bind to.
    func parameters(for context: CallContext) -> [Parameter] {
        registry.overloads(context.callee).compactMap { command in
            if let label = context.label { return command.parameters.first { $0.label == label } }
            let positional = command.parameters.filter { $0.label == nil }
            return context.positionalIndex < positional.count ? positional[context.positionalIndex] : nil
        }
    }

    /// Entries of the directory named by `prefix` up to its last `/` whose names start with the
    /// rest; directories end in `/`. Hidden entries only when the typed name starts with `.`.
    static func pathCompletions(_ prefix: String) -> [String] {
        let directoryPart: String, namePrefix: String
        if let slash = prefix.lastIndex(of: "/") {
            directoryPart = String(prefix[...slash])
            namePrefix = String(prefix[prefix.index(after: slash)...])
        } else {
            directoryPart = ""
            namePrefix = prefix
        }
        var directory = directoryPart.isEmpty ? "." : directoryPart
        if directory.hasPrefix("~") { directory = NSString(string: directory).expandingTildeInPath }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.hasPrefix(".")) }
            .sorted()
            .prefix(500)
            .map { name in
                var isDirectory: ObjCBool = false
                let full = (directory as NSString).appendingPathComponent(name)
                _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
                return directoryPart + name + (isDirectory.boolValue ? "/" : "")
            }
    }

    /// True inside a `//` or an unclosed `/* */` comment.
    static func cursorIsInComment(_ scalars: [Unicode.Scalar], cursor: Int) -> Bool {
        let (tokens, issues) = Lexer.tokenize(String(String.UnicodeScalarView(scalars[..<cursor])))
        if issues.contains(where: { $0.kind == .unterminatedAtEnd && $0.message.contains("comment") }) { return true }
        // Between the last token and the cursor there are only spaces and closed comments (a
        // newline would be a token), so a `//` outside a block comment starts a line comment.
        var i = tokens.dropLast().last?.range.end.offset ?? 0
        var depth = 0
        while i + 1 < cursor {
            let pair = (scalars[i], scalars[i + 1])
            if pair == ("/", "*") { depth += 1; i += 2; continue }
            if pair == ("*", "/"), depth > 0 { depth -= 1; i += 2; continue }
            if pair == ("/", "/"), depth == 0 { return true }
            i += 1
        }
        return false
    }

    static func isPunctuationToken(_ token: Token) -> Bool {
        if case .punctuation = token.kind { return true }
        return false
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
