/// Character classes of the Rust `tokenizers` BertNormalizer and BertPreTokenizer, answered from
/// `BertUnicodeTables` (generated from the library itself) with ASCII fast paths.
enum BertCharacterClasses {
    /// Dropped by `clean_text`: U+0000, U+FFFD and controls (Cc, Cf, ... but not tab, LF, CR).
    static func isRemovedByCleanText(_ value: UInt32) -> Bool {
        if value < 0x80 { return value < 0x20 ? !(value == 0x09 || value == 0x0A || value == 0x0D) : value == 0x7F }
        return contains(BertUnicodeTables.removed, value)
    }

    /// Turned into a plain space by `clean_text` (tab, LF, CR, Zs and other White_Space).
    static func isCleanTextWhitespace(_ value: UInt32) -> Bool {
        if value < 0x80 { return value == 0x09 || value == 0x0A || value == 0x0D }
        return contains(BertUnicodeTables.cleanSpace, value)
    }

    /// Whitespace the pre-tokenizer splits on and removes (Rust `char::is_whitespace`).
    static func isSplitWhitespace(_ value: UInt32) -> Bool {
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        return contains(BertUnicodeTables.splitSpace, value)
    }

    /// Isolated as its own word by the pre-tokenizer: ASCII punctuation and category P*.
    static func isPunctuation(_ value: UInt32) -> Bool {
        if value < 0x80 {
            return (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value)
        }
        return contains(BertUnicodeTables.punctuation, value)
    }

    /// A CJK ideograph that `handle_chinese_chars` surrounds with spaces. The Rust table differs
    /// from the Python BasicTokenizer's: its Extension E range starts at U+2B920, not U+2B820,
    /// so U+2B820...U+2B91F are not spaced out (the generated table records what Rust does).
    static func isChineseCharacter(_ value: UInt32) -> Bool {
        value >= 0x3400 && contains(BertUnicodeTables.chinese, value)
    }

    /// A nonspacing mark (Mn) that `strip_accents` drops after NFD.
    static func isNonspacingMark(_ value: UInt32) -> Bool {
        value >= 0x300 && contains(BertUnicodeTables.nonspacing, value)
    }

    /// Appends the full lowercase mapping of `value` (e.g. U+0130 -> "i" U+0307).
    static func appendLowercase(_ value: UInt32, to output: inout [UInt32]) {
        if value < 0x80 {
            output.append((0x41...0x5A).contains(value) ? value + 0x20 : value)
        } else if let mapping = lowercaseMap[value] {
            output.append(contentsOf: mapping)
        } else {
            output.append(value)
        }
    }

    /// Appends the canonical decomposition (NFD) of one code point, without reordering marks.
    /// Rust's NFD also reorders combining marks by canonical class; every reordered mark is
    /// Mn and is dropped by `strip_accents` right after, so the order cannot be observed.
    static func appendDecomposition(_ value: UInt32, to output: inout [UInt32]) {
        if value < 0xC0 {
            output.append(value)
        } else if (0xAC00...0xD7A3).contains(value) {
            // Hangul syllables decompose algorithmically (Unicode 3.12, "Hangul Syllable Decomposition").
            let index = value - 0xAC00
            output.append(0x1100 + index / 588)
            output.append(0x1161 + (index % 588) / 28)
            if index % 28 != 0 { output.append(0x11A7 + index % 28) }
        } else if let mapping = decompositionMap[value] {
            output.append(contentsOf: mapping)
        } else {
            output.append(value)
        }
    }

    static let lowercaseMap: [UInt32: [UInt32]] = mapping(
        keys: BertUnicodeTables.lowercaseKeys, lengths: BertUnicodeTables.lowercaseLengths, values: BertUnicodeTables.lowercaseValues)
    static let decompositionMap: [UInt32: [UInt32]] = mapping(
        keys: BertUnicodeTables.decompositionsKeys, lengths: BertUnicodeTables.decompositionsLengths,
        values: BertUnicodeTables.decompositionsValues)

    private static func mapping(keys: [UInt32], lengths: [UInt8], values: [UInt32]) -> [UInt32: [UInt32]] {
        var result: [UInt32: [UInt32]] = [:]
        result.reserveCapacity(keys.count)
        var offset = 0
        for (key, length) in zip(keys, lengths) {
            result[key] = Array(values[offset..<offset + Int(length)])
            offset += Int(length)
        }
        return result
    }

    /// Binary search in ascending inclusive (first, last) pairs.
    private static func contains(_ ranges: [UInt32], _ value: UInt32) -> Bool {
        var low = 0
        var high = ranges.count / 2
        while low < high {
            let middle = (low + high) / 2
            if ranges[2 * middle + 1] < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < ranges.count / 2 && ranges[2 * low] <= value
    }
}
