/// JSON values read one after another from one buffer, for the formats that hold more than one:
/// JSON Lines (a value per line) and a whole-file array read element by element, so that each
/// value can be given the line it starts on. The values and the errors are `OrderedJSON.parse`'s
/// (the same parser), so every JSON file the project reads follows one grammar and one set of
/// messages.
///
///     var reader = OrderedJSONReader(bytes: Array("{\"a\": 1}\n{\"a\": 2}\n".utf8))
///     reader.skipWhitespace()
///     let first = try reader.readValue()      // {"a": 1}
///     reader.skipWhitespace()
///     reader.line                             // 2
public struct OrderedJSONReader {
    private var parser: OrderedJSONParser
    /// `line` is counted lazily from here, so reading n bytes costs O(n) however often it is asked.
    private var countedUpTo = 0
    private var countedLine = 1

    /// - startingAt: where reading begins (after a byte order mark, say); lines and columns are
    ///   still counted from the buffer's start
    public init(bytes: [UInt8], startingAt start: Int = 0, rejectDuplicateKeys: Bool = true, maxDepth: Int = 128) {
        parser = OrderedJSONParser(bytes: bytes, rejectDuplicateKeys: rejectDuplicateKeys, maxDepth: maxDepth)
        parser.index = start
    }

    /// Byte offset of the next unread byte.
    public var index: Int { parser.index }
    public var atEnd: Bool { parser.index >= parser.bytes.count }
    public func peek() -> UInt8? { atEnd ? nil : parser.bytes[parser.index] }

    /// The 1-based line of the next unread byte (a line ends at LF, as in the errors' positions).
    public var line: Int {
        mutating get {
            for byte in parser.bytes[countedUpTo..<min(parser.index, parser.bytes.count)] where byte == 0x0A {
                countedLine += 1
            }
            countedUpTo = max(countedUpTo, min(parser.index, parser.bytes.count))
            return countedLine
        }
    }

    /// Skips JSON whitespace; with `stopAtLineEnd`, only spaces and tabs, stopping at CR or LF.
    public mutating func skipWhitespace(stopAtLineEnd: Bool = false) {
        guard stopAtLineEnd else { parser.skipWhitespace(); return }
        while let byte = peek(), byte == 0x20 || byte == 0x09 { parser.index += 1 }
    }

    /// Reads one value starting at the next unread byte (whitespace is not skipped first).
    public mutating func readValue() throws -> OrderedJSON { try parser.parseValue(depth: 0) }

    /// Consumes `byte` if it is next.
    public mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        parser.index += 1
        return true
    }

    /// An error at `offset` (the next unread byte unless said), with its line and column.
    public func failure(_ reason: String, at offset: Int? = nil) -> OrderedJSONError {
        parser.failure(reason, at: offset)
    }
}
