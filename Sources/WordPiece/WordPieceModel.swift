/// The WordPiece model of `tokenizers` (`models/wordpiece/mod.rs`): greedy longest match
/// first, continuation pieces carry the `##` prefix, a word with an unmatchable piece or
/// more than `maxInputCharsPerWord` scalars becomes one unknown token.
struct WordPieceModel {
    let vocabulary: [ExactToken: Int]
    let unknownId: Int
    let unknownToken: String
    let continuingSubwordPrefix: String
    let maxInputCharsPerWord: Int

    /// One wordpiece of a word: its vocabulary id and token, and the range of the word's
    /// scalars it covers.
    struct Piece {
        let id: Int
        let token: String
        let range: Range<Int>
    }

    /// Splits `word` (normalised scalars, never empty) into pieces appended to `output`.
    func tokenize(_ word: ArraySlice<UInt32>, into output: inout [Piece]) {
        let base = word.startIndex
        let count = word.count
        if count > maxInputCharsPerWord {
            output.append(Piece(id: unknownId, token: unknownToken, range: 0..<count))
            return
        }
        let firstNew = output.count
        var start = 0
        while start < count {
            var end = count
            var found: Piece?
            while start < end {
                var candidate = start > 0 ? continuingSubwordPrefix : ""
                candidate.unicodeScalars.append(contentsOf: word[(base + start)..<(base + end)].lazy.compactMap(Unicode.Scalar.init))
                if let id = vocabulary[ExactToken(candidate)] {
                    found = Piece(id: id, token: candidate, range: start..<end)
                    break
                }
                end -= 1
            }
            guard let piece = found else {
                output.removeSubrange(firstNew...)
                output.append(Piece(id: unknownId, token: unknownToken, range: 0..<count))
                return
            }
            output.append(piece)
            start = end
        }
    }
}
