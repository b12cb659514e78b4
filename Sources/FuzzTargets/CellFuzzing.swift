import CellLanguage
import Foundation

/// The cell language. The input is a cell's source, decoded as UTF-8 with invalid sequences
/// replaced by U+FFFD. Nothing is executed: parsing, `is_complete`, completion and inspection
/// only read (completion lists directories for paths inside strings).
enum CellFuzzing {
    /// One engine for the process: building the command registry per input would dominate.
    static let engine = Engine()

    static func run(_ input: [UInt8]) -> FuzzTarget.Outcome {
        let source = String(decoding: input, as: UTF8.self)
        let length = source.unicodeScalars.count

        let (tokens, issues) = Lexer.tokenize(source)
        precondition(tokens.last?.kind == .endOfInput, "the token stream does not end with endOfInput")
        for token in tokens {
            precondition(0 <= token.range.start.offset && token.range.start.offset <= token.range.end.offset
                         && token.range.end.offset <= length + 1,
                         "token \(token.kind) has range \(token.range) outside the \(length)-scalar cell")
        }
        let parsed = outcome(expecting: ParseError.self) { _ = try Parser.parse(source) }
        precondition(issues.isEmpty || parsed != .accepted, "a cell with lexical issues parsed")

        _ = engine.isComplete(source)
        // The cursor (in Unicode scalars) at the end, at a place the input picks, and past the end
        // (front ends send what they like).
        let picked = Int(input.first ?? 0) % (length + 1)
        for cursor in [length, picked, length + 3] {
            let completion = engine.complete(source, cursor: cursor)
            precondition(completion.start <= completion.end, "completion range \(completion.start)..<\(completion.end)")
            _ = engine.inspect(source, cursor: cursor)
        }
        return parsed
    }
}
