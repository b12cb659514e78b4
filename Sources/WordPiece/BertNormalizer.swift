/// The text normalisation of `tokenizers`' `BertNormalizer` (`normalizers/bert.rs`), which
/// `transformers` 5's `BertTokenizer` runs: clean text, space out CJK ideographs, strip accents,
/// lowercase, in that order.
///
/// Works on Unicode scalars (never `Character`s, which would glue combining marks to their
/// base) and records, for every output scalar, the index of the input scalar it came from, so
/// that tokens can report offsets into the original text.
public struct BertNormalizer: Equatable, Sendable {
    /// Drop U+0000, U+FFFD and control characters; turn whitespace into spaces.
    public var cleanText: Bool
    /// Put spaces around CJK ideographs so each becomes its own word.
    public var handleChineseChars: Bool
    /// NFD then drop nonspacing marks; `nil` follows `lowercase` (as in the original BERT).
    public var stripAccents: Bool?
    /// Full Unicode lowercase mapping of every scalar.
    public var lowercase: Bool

    public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    /// Whether accents are stripped: `stripAccents`, or `lowercase` when unset.
    public var stripsAccents: Bool { stripAccents ?? lowercase }

    /// Normalises `scalars[range]`, appending to `output` and the origin index of each output
    /// scalar to `origins`. Spaces inserted around CJK ideographs get the ideograph's origin.
    func normalize(_ scalars: [UInt32], _ range: Range<Int>, into output: inout [UInt32], origins: inout [Int]) {
        let strip = stripsAccents
        var decomposed: [UInt32] = []
        decomposed.reserveCapacity(4)
        for index in range {
            var value = scalars[index]
            if cleanText {
                if value == 0 || value == 0xFFFD || BertCharacterClasses.isRemovedByCleanText(value) { continue }
                if BertCharacterClasses.isCleanTextWhitespace(value) { value = 0x20 }
            }
            // Fast path: ASCII needs neither decomposition nor table lookups.
            if value < 0x80 {
                output.append(lowercase && value >= 0x41 && value <= 0x5A ? value + 0x20 : value)
                origins.append(index)
                continue
            }
            // handle_chinese_chars runs before NFD, so a compatibility ideograph (U+F900...)
            // is spaced out first and then decomposed to its unified form.
            let isChinese = handleChineseChars && BertCharacterClasses.isChineseCharacter(value)
            if isChinese { output.append(0x20); origins.append(index) }
            decomposed.removeAll(keepingCapacity: true)
            if strip {
                BertCharacterClasses.appendDecomposition(value, to: &decomposed)
                decomposed.removeAll(where: BertCharacterClasses.isNonspacingMark)
            } else {
                decomposed.append(value)
            }
            for piece in decomposed {
                let before = output.count
                if lowercase {
                    BertCharacterClasses.appendLowercase(piece, to: &output)
                } else {
                    output.append(piece)
                }
                for _ in before..<output.count { origins.append(index) }
            }
            if isChinese { output.append(0x20); origins.append(index) }
        }
    }

    /// The normalised form of a whole string (used for added tokens with `normalized: true`).
    public func normalize(_ text: String) -> String {
        let scalars = text.unicodeScalars.map(\.value)
        var output: [UInt32] = []
        var origins: [Int] = []
        normalize(scalars, 0..<scalars.count, into: &output, origins: &origins)
        return String(scalarValues: output[...])
    }
}

extension String {
    /// Builds a string from scalar values that are known to be valid (they came from a String).
    init(scalarValues: ArraySlice<UInt32>) {
        var view = String.UnicodeScalarView()
        for value in scalarValues {
            if let scalar = Unicode.Scalar(value) { view.append(scalar) }
        }
        self = String(view)
    }
}
