import XCTest
@testable import CellLanguage

final class LexerTests: XCTestCase {
    private func kinds(_ source: String) -> [Token.Kind] {
        Lexer.tokenize(source).tokens.map(\.kind)
    }

    func testTokensOfACallWithLabelsCarryLineAndColumn() {
        let (tokens, issues) = Lexer.tokenize("let x = 1\ntrain(epochs: 3)")
        XCTAssertEqual(issues, [])
        XCTAssertEqual(tokens.map(\.kind), [
            .keyword("let"), .identifier("x"), .punctuation("="), .integer(1), .newline,
            .identifier("train"), .punctuation("("), .identifier("epochs"), .punctuation(":"), .integer(3),
            .punctuation(")"), .endOfInput,
        ])
        let epochs = tokens[7]
        XCTAssertEqual(epochs.range.start, SourceLocation(offset: 16, line: 2, column: 7))
        XCTAssertEqual(epochs.range.end, SourceLocation(offset: 22, line: 2, column: 13))
    }

    func testColumnsCountUnicodeScalarsNotBytes() {
        let tokens = Lexer.tokenize("\"é😀\" x").tokens
        XCTAssertEqual(tokens[1].kind, .identifier("x"))
        XCTAssertEqual(tokens[1].range.start.column, 6)  // quote, é, 😀, quote, space
        XCTAssertEqual(tokens[1].range.start.offset, 5)
    }

    func testNumbers() {
        XCTAssertEqual(kinds("2e-5 3.25 1_000 7 1E3"), [.double(2e-5), .double(3.25), .integer(1000), .integer(7), .double(1000), .endOfInput])
    }

    func testStringEscapesAsInSwift() {
        XCTAssertEqual(kinds(#""a\nb\t\"q\" \\ \u{1F600} \0""#),
                       [.string("a\nb\t\"q\" \\ 😀 \0", terminated: true), .endOfInput])
    }

    func testInvalidEscapeIsAnInvalidIssueAtTheBackslash() {
        let (_, issues) = Lexer.tokenize(#"print("a\qb")"#)
        XCTAssertEqual(issues.count, 1)
        XCTAssertEqual(issues[0].kind, .invalid)
        XCTAssertEqual(issues[0].range.start.column, 9)
        XCTAssertTrue(issues[0].message.contains("\\q"), issues[0].message)
    }

    func testCommentsAreSkippedAndBlockCommentsNest() {
        XCTAssertEqual(kinds("a // c\n/* x /* y */ z */ b"), [.identifier("a"), .newline, .identifier("b"), .endOfInput])
    }

    func testUnterminatedStringAndCommentAreIncompleteNotInvalid() {
        XCTAssertEqual(Lexer.tokenize("print(\"abc").issues.map(\.kind), [.unterminatedAtEnd])
        XCTAssertEqual(Lexer.tokenize("/* open").issues.map(\.kind), [.unterminatedAtEnd])
        XCTAssertEqual(Lexer.tokenize("\"a\nb\"").issues.first?.kind, .invalid)
    }

    func testMultilineStringStripsTheClosingIndentation() {
        let source = "let s = \"\"\"\n    one\n      two\n    \"\"\""
        XCTAssertEqual(kinds(source)[3], .string("one\n  two", terminated: true))
    }

    func testNumberRunningIntoLettersIsInvalid() {
        XCTAssertEqual(Lexer.tokenize("3epochs").issues.first?.message, "invalid number literal")
        XCTAssertEqual(Lexer.tokenize("99999999999999999999").issues.first?.kind, .invalid)
    }

    func testUnexpectedCharacter() {
        let issue = Lexer.tokenize("a # b").issues.first
        XCTAssertEqual(issue?.message, "unexpected character '#'")
        XCTAssertEqual(issue?.range.start.column, 3)
    }

    func testInvisibleCharactersAreNamedByCodePointNotQuotedAsNothing() {
        XCTAssertEqual(Lexer.tokenize("print(1)\u{200B}").issues.first?.message,
                       "unexpected character U+200B ZERO WIDTH SPACE")
        XCTAssertEqual(Lexer.tokenize("a\u{00A0}b").issues.first?.message, "unexpected character U+00A0 NO-BREAK SPACE")
        XCTAssertEqual(Lexer.tokenize("a \u{FEFF}b").issues.first?.message,
                       "unexpected character U+FEFF ZERO WIDTH NO-BREAK SPACE", "a byte-order mark inside a cell")
        XCTAssertEqual(Lexer.tokenize("\u{7}").issues.first?.message, "unexpected character U+0007", "control characters have no Unicode name")
        XCTAssertEqual(Lexer.tokenize("a \u{301}").issues.first?.message,
                       "unexpected character U+0301 COMBINING ACUTE ACCENT")
        XCTAssertEqual(Lexer.tokenize("€").issues.first?.message, "unexpected character '€' (U+20AC EURO SIGN)")
    }

    func testCurlyQuotesSayStringsNeedStraightOnes() {
        XCTAssertEqual(Lexer.tokenize("print(\u{201C}hi\u{201D})").issues.first?.message,
                       "unexpected character '\u{201C}' (U+201C LEFT DOUBLE QUOTATION MARK); strings are written between straight quotes \"")
    }

    func testLeadingByteOrderMarkIsSkippedAndTakesNoColumn() {
        let (tokens, issues) = Lexer.tokenize("\u{FEFF}print(x)")
        XCTAssertEqual(issues, [])
        XCTAssertEqual(tokens.map(\.kind), [.identifier("print"), .punctuation("("), .identifier("x"), .punctuation(")"), .endOfInput])
        XCTAssertEqual(tokens[0].range.start, SourceLocation(offset: 1, line: 1, column: 1), "offsets count the mark, columns do not")
        XCTAssertEqual(tokens[2].range.start.column, 7)
    }

    func testMostNegativeIntegerIsOneLiteral() {
        XCTAssertEqual(kinds("-9223372036854775808"), [.integer(Int.min), .endOfInput])
        XCTAssertEqual(kinds("[-9223372036854775808, 9223372036854775807]"),
                       [.punctuation("["), .integer(Int.min), .punctuation(","), .integer(Int.max), .punctuation("]"), .endOfInput])
        XCTAssertEqual(Lexer.tokenize("9223372036854775808").issues.first?.message,
                       "integer literal 9223372036854775808 does not fit in 64 bits")
        XCTAssertEqual(Lexer.tokenize("-9223372036854775809").issues.first?.message,
                       "integer literal 9223372036854775809 does not fit in 64 bits")
    }
}
