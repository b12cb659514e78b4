/// "Did you mean" suggestions by edit distance.
enum Suggestions {
    /// Levenshtein distance over Unicode scalars, case-insensitive, with adjacent
    /// transpositions counting one (optimal string alignment): `trian` -> `train` is 1.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var row = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            row[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    row[j] = min(row[j], previous2[j - 2] + 1)
                }
            }
            previous2 = previous
            previous = row
        }
        return previous[y.count]
    }

    /// The closest candidates to `word`, at most `limit`, within a distance that grows with
    /// the word's length (1 for short words, up to a third of the length), nearest first.
    static func closest(to word: String, in candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let allowed = max(1, min(3, word.count / 3))
        let scored = Set(candidates).compactMap { candidate -> (String, Int)? in
            let d = distance(word, candidate)
            let isPrefix = word.count >= 3 && candidate.lowercased().hasPrefix(word.lowercased())
            return d <= allowed || isPrefix ? (candidate, isPrefix ? min(d, allowed) : d) : nil
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
    }

    /// "; did you mean 'train'?" or "" when nothing is close.
    static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String {
        let found = closest(to: word, in: candidates)
        guard !found.isEmpty else { return "" }
        return "; did you mean " + found.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }
}
