/// The WordPiece model of `tokenizers` (`models/wordpiece/mod.rs`): greedy longest match
/// first, continuation pieces carry the `##` prefix, a word with an unmatchable piece or
/// more than `maxInputCharsPerWord` scalars becomes one unknown token.
struct WordPieceModel {
    let vocabulary: [ExactToken: Int]
    let unknownId: Int
    let unknownToken: String
    let continuingSubwordPrefix: String
    let maxInputCharsPerWord: Int
    let prefixUTF8: [UInt8]

    init(vocabulary: [ExactToken: Int], unknownId: Int, unknownToken: String, continuingSubwordPrefix: String, maxInputCharsPerWord: Int) {
        self.vocabulary = vocabulary
        self.unknownId = unknownId
        self.unknownToken = unknownToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.prefixUTF8 = Array(continuingSubwordPrefix.utf8)
    }

    /// One wordpiece of a word: its vocabulary id and token, and the range of the word's
    /// scalars it covers.
    struct Piece {
        let id: Int
        let token: String
        let range: Range<Int>
    }

    /// Buffers reused from word to word, so tokenizing allocates only for the pieces.
    struct Scratch {
        var utf8: [UInt8] = []
        var boundaries: [Int] = []
        var candidate: [UInt8] = []
    }

    /// Splits `word` (normalised scalars, never empty) into pieces appended to `output`.
    func tokenize(_ word: ArraySlice<UInt32>, into output: inout [Piece]) {
        var scratch = Scratch()
        tokenize(word, into: &output, scratch: &scratch)
    }

    func tokenize(_ word: ArraySlice<UInt32>, into output: inout [Piece], scratch: inout Scratch) {
        let count = word.count
        if count > maxInputCharsPerWord {
            output.append(Piece(id: unknownId, token: unknownToken, range: 0..<count))
            return
        }
        // The word's UTF-8 bytes and, for each scalar boundary, its byte offset, so that each
        // candidate is one String built from a byte slice (inline for up to 15 bytes).
        scratch.utf8.removeAll(keepingCapacity: true)
        scratch.boundaries.removeAll(keepingCapacity: true)
        scratch.boundaries.append(0)
        for value in word {
            if value < 0x80 {
                scratch.utf8.append(UInt8(value))
            } else if let scalar = Unicode.Scalar(value) {
                scratch.utf8.append(contentsOf: UTF8.encode(scalar)!)
            }
            scratch.boundaries.append(scratch.utf8.count)
        }
        let firstNew = output.count
        var start = 0
        while start < count {
            var end = count
            var found: Piece?
            while start < end {
                scratch.candidate.removeAll(keepingCapacity: true)
                if start > 0 { scratch.candidate.append(contentsOf: prefixUTF8) }
                scratch.candidate.append(contentsOf: scratch.utf8[scratch.boundaries[start]..<scratch.boundaries[end]])
                let candidate = String(decoding: scratch.candidate, as: UTF8.self)
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
