/// The syntax tree of a cell.
///
///     let r = train(epochs: 2)     // Statement.binding(name: "r", value: .call(...))
///     ?train                       // Statement.help(name: "train")
///     r                            // Statement.expression(.identifier("r"))
public indirect enum Expression: Equatable, Sendable {
    case literal(Literal, SourceRange)
    case identifier(String, SourceRange)
    case array([Expression], SourceRange)
    case call(Call)

    public var range: SourceRange {
        switch self {
        case .literal(_, let r), .identifier(_, let r), .array(_, let r): return r
        case .call(let call): return call.range
        }
    }
}

/// A literal as written. `nil` is `.null`.
public enum Literal: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case null
}

/// `name(label: value, value, ...)`.
public struct Call: Equatable, Sendable {
    public var name: String
    public var nameRange: SourceRange
    public var arguments: [Argument]
    /// From the name to the closing parenthesis.
    public var range: SourceRange
}

/// One argument of a call; `label` is nil for a positional argument.
public struct Argument: Equatable, Sendable {
    public var label: String?
    public var labelRange: SourceRange?
    public var value: Expression

    /// Label and value together.
    public var range: SourceRange { labelRange.map { $0.union(value.range) } ?? value.range }
}

public enum Statement: Equatable, Sendable {
    /// `let name = value`
    case binding(name: String, nameRange: SourceRange, value: Expression, range: SourceRange)
    /// `?name` (or a lone `?` for the command list): help into the pager.
    case help(name: String?, range: SourceRange)
    case expression(Expression)

    public var range: SourceRange {
        switch self {
        case .binding(_, _, _, let r), .help(_, let r): return r
        case .expression(let e): return e.range
        }
    }
}

/// A parsed cell.
public struct Program: Equatable, Sendable {
    public var statements: [Statement]
    /// A cell ending in `;` shows no result (as in IPython).
    public var suppressesResult: Bool
}
