/// `tokenizers`' `BertPreTokenizer`: split on whitespace (removed) and isolate every
/// punctuation scalar as its own word.
enum BertPreTokenizer {
    static func forEachWord(_ text: [UInt32], _ range: Range<Int>, _ body: (Range<Int>) -> Void) {
        var start = range.lowerBound
        for index in range {
            let value = text[index]
            if BertCharacterClasses.isSplitWhitespace(value) {
                if start < index { body(start..<index) }
                start = index + 1
            } else if BertCharacterClasses.isPunctuation(value) {
                if start < index { body(start..<index) }
                body(index..<index + 1)
                start = index + 1
            }
        }
        if start < range.upperBound { body(start..<range.upperBound) }
    }
}
