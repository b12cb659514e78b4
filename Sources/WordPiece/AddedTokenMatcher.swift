/// Leftmost-longest matching of a set of added tokens over scalar values (the match kind
/// `tokenizers` uses with its Aho-Corasick automaton).
struct AddedTokenMatcher {
    struct Pattern {
        let scalars: [UInt32]
        let token: AddedToken
    }

    /// Patterns by first scalar, longest first.
    private let patternsByFirstScalar: [UInt32: [Pattern]]
    var isEmpty: Bool { patternsByFirstScalar.isEmpty }

    /// - scalarsOf: the form to match (raw content, or normalised content for normalized tokens).
    init(_ tokens: [AddedToken], scalarsOf: (AddedToken) -> [UInt32]) {
        var table: [UInt32: [Pattern]] = [:]
        for token in tokens {
            let scalars = scalarsOf(token)
            guard let first = scalars.first else { continue }
            table[first, default: []].append(Pattern(scalars: scalars, token: token))
        }
        for key in table.keys { table[key]!.sort { $0.scalars.count > $1.scalars.count } }
        patternsByFirstScalar = table
    }

    /// A piece of text between matches, or one match.
    enum Segment {
        case text(Range<Int>)
        case token(AddedToken, Range<Int>)
    }

    /// Splits `text[range]` into text and matched tokens, in order. Empty text pieces are omitted.
    func split(_ text: [UInt32], _ range: Range<Int>) -> [Segment] {
        if patternsByFirstScalar.isEmpty { return range.isEmpty ? [] : [.text(range)] }
        var segments: [Segment] = []
        var textStart = range.lowerBound
        var position = range.lowerBound
        while position < range.upperBound {
            guard let candidates = patternsByFirstScalar[text[position]],
                  let pattern = candidates.first(where: { matches($0.scalars, text, at: position, end: range.upperBound) })
            else {
                position += 1
                continue
            }
            var matchStart = position
            var matchEnd = position + pattern.scalars.count
            if pattern.token.lstrip {
                while matchStart > textStart, BertCharacterClasses.isSplitWhitespace(text[matchStart - 1]) { matchStart -= 1 }
            }
            if pattern.token.rstrip {
                while matchEnd < range.upperBound, BertCharacterClasses.isSplitWhitespace(text[matchEnd]) { matchEnd += 1 }
            }
            if matchStart > textStart { segments.append(.text(textStart..<matchStart)) }
            segments.append(.token(pattern.token, matchStart..<matchEnd))
            position = matchEnd
            textStart = matchEnd
        }
        if textStart < range.upperBound { segments.append(.text(textStart..<range.upperBound)) }
        return segments
    }

    private func matches(_ pattern: [UInt32], _ text: [UInt32], at position: Int, end: Int) -> Bool {
        guard position + pattern.count <= end else { return false }
        for offset in 0..<pattern.count where text[position + offset] != pattern[offset] { return false }
        return true
    }
}
