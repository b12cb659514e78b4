import XCTest
@testable import CellLanguage

final class ParserTests: XCTestCase {
    func testLetBindingCallAndHelpStatements() throws {
        let program = try Parser.parse("let r = train(epochs: 2, lr: 5e-5)\n?train; r")
        XCTAssertEqual(program.statements.count, 3)
        guard case .binding(let name, let nameRange, .call(let call), _) = program.statements[0] else {
            return XCTFail("expected a binding of a call, got \(program.statements[0])")
        }
        XCTAssertEqual(name, "r")
        XCTAssertEqual(nameRange.start.column, 5)
        XCTAssertEqual(call.name, "train")
        XCTAssertEqual(call.arguments.map(\.label), ["epochs", "lr"])
        XCTAssertEqual(call.arguments[1].value, .literal(.double(5e-5), call.arguments[1].value.range))
        XCTAssertEqual(call.arguments[1].value.range.start.column, 30)
        XCTAssertEqual(call.range.end.column, 35)
        guard case .help("train", let helpRange) = program.statements[1] else { return XCTFail("\(program.statements[1])") }
        XCTAssertEqual(helpRange.start.line, 2)
        guard case .expression(.identifier("r", _)) = program.statements[2] else { return XCTFail("\(program.statements[2])") }
        XCTAssertFalse(program.suppressesResult)
    }

    func testArraysNestAndCallsSpanLines() throws {
        let program = try Parser.parse("predict([\n  \"a\",\n  [1, -2.5],\n], maxLength: 64)")
        guard case .expression(.call(let call)) = program.statements.first else { return XCTFail() }
        guard case .array(let items, _) = call.arguments[0].value else { return XCTFail() }
        XCTAssertEqual(items.count, 2)
        guard case .array(let inner, _) = items[1] else { return XCTFail() }
        let literals: [Literal?] = inner.map { if case .literal(let l, _) = $0 { return l } else { return nil } }
        XCTAssertEqual(literals, [.integer(1), .double(-2.5)])
    }

    func testTrailingSemicolonSuppressesTheResult() throws {
        XCTAssertTrue(try Parser.parse("1;").suppressesResult)
        XCTAssertTrue(try Parser.parse("1;\n").suppressesResult)
        XCTAssertFalse(try Parser.parse("1; 2").suppressesResult)
    }

    func testEmptyCellHasNoStatements() throws {
        XCTAssertEqual(try Parser.parse("  // only a comment\n\n").statements, [])
    }

    private func parseError(_ source: String) -> ParseError? {
        do {
            _ = try Parser.parse(source)
            return nil
        } catch {
            return error as? ParseError
        }
    }

    func testExtraClosingParenthesisIsAnErrorAtIt() {
        let error = parseError("print(\"a\"))")
        XCTAssertEqual(error?.range.start.column, 11)
        XCTAssertEqual(error?.atEnd, false)
        XCTAssertTrue(error?.message.contains("')'") == true, error?.message ?? "")
    }

    func testTwoStatementsOnOneLineNeedASemicolon() {
        let error = parseError("print(1) print(2)")
        XCTAssertEqual(error?.range.start.column, 10)
    }

    func testWhatFollowsAStatementIsNamedGrammatically() {
        XCTAssertEqual(parseError("print(1) \"a\"")?.message,
                       "expected the end of the statement, found a string; put each statement on its own line or separate them with ';'")
        XCTAssertEqual(parseError("x 3")?.message,
                       "expected the end of the statement, found '3'; put each statement on its own line or separate them with ';'")
    }

    func testMostNegativeIntegerParsesAndItsNegationIsAnErrorNotATrap() throws {
        let program = try Parser.parse("let n = -9223372036854775808")
        guard case .binding(_, _, .literal(.integer(let n), let range), _) = program.statements.first else {
            return XCTFail("\(program)")
        }
        XCTAssertEqual(n, Int.min)
        XCTAssertEqual(range.start.column, 9)
        XCTAssertEqual(try Parser.parse("- 5").statements, [.expression(.literal(.integer(-5), SourceRange(
            SourceLocation(offset: 0, line: 1, column: 1), SourceLocation(offset: 3, line: 1, column: 4))))])
        XCTAssertEqual(parseError("- -9223372036854775808")?.message, "integer literal 9223372036854775808 does not fit in 64 bits")
    }

    func testCellStartingWithAByteOrderMarkParses() throws {
        XCTAssertEqual(try Parser.parse("\u{FEFF}let x = 1").statements.count, 1)
    }

    func testMissingValueAtTheEndIsMarkedAtEnd() {
        XCTAssertEqual(parseError("let x =")?.atEnd, true)
        XCTAssertEqual(parseError("train(epochs: 3,")?.atEnd, true)
        XCTAssertEqual(parseError("let = 3")?.atEnd, false)
    }

    func testKeywordsAreNotNames() {
        XCTAssertEqual(parseError("let nil = 3")?.message, "'nil' is a keyword and cannot be used as a name")
    }
}

final class ParserLimitTests: XCTestCase {
    func testDeepNestingIsASyntaxErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let outcome = Engine().execute(deep, output: RecordingSink())
        XCTAssertEqual(outcome.error?.evalue, "arrays and calls are nested more than 100 deep")
        XCTAssertNil(Engine().execute(String(repeating: "[", count: 50) + String(repeating: "]", count: 50), output: RecordingSink()).error)
    }

    func testLetValueMayStartOnTheNextLine() throws {
        let program = try Parser.parse("let x =\n  3")
        XCTAssertEqual(program.statements.count, 1)
    }

    func testCRLFInsideMultilineStrings() {
        let tokens = Lexer.tokenize("\"\"\"\r\n  a\r\n  b\r\n  \"\"\"").tokens
        XCTAssertEqual(tokens.first?.kind, .string("a\nb", terminated: true))
    }
}
