/// A glob pattern over Unicode scalars, as SQLite's GLOB that IPython's history search uses:
/// `*` any run, `?` one character, `[abc]`, `[a-z]`, `[^a]` a class; case-sensitive; the whole
/// string must match.
public struct Glob {
    private let pattern: [Unicode.Scalar]

    public init(_ pattern: String) { self.pattern = Array(pattern.unicodeScalars) }

    public func matches(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        // Iterative matcher with single-star backtracking: linear space, no recursion.
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < s.count {
            if p < pattern.count, pattern[p] == "*" {
                starP = p; starT = t; p += 1
                continue
            }
            if p < pattern.count, let next = matchOne(at: p, s[t]) {
                p = next; t += 1
                continue
            }
            guard starP >= 0 else { return false }
            p = starP + 1; starT += 1; t = starT
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// The pattern index after the element at `p` when it matches `c`, else nil.
    private func matchOne(at p: Int, _ c: Unicode.Scalar) -> Int? {
        switch pattern[p] {
        case "?": return p + 1
        case "[":
            var i = p + 1
            var negate = false
            if i < pattern.count, pattern[i] == "^" { negate = true; i += 1 }
            var found = false
            var first = true
            while i < pattern.count, pattern[i] != "]" || first {
                first = false
                if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                    if pattern[i] <= c && c <= pattern[i + 2] { found = true }
                    i += 3
                } else {
                    if pattern[i] == c { found = true }
                    i += 1
                }
            }
            guard i < pattern.count else { return pattern[p] == c ? p + 1 : nil }  // no closing ']': literal '['
            return found != negate ? i + 1 : nil
        default:
            return pattern[p] == c ? p + 1 : nil
        }
    }
}
