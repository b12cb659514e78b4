/// A position in a cell's source. `offset` counts Unicode scalars from the start of the cell
/// (the unit Jupyter protocol 5.2+ uses for cursor positions); `line` and `column` are 1-based,
/// `column` also in Unicode scalars.
public struct SourceLocation: Equatable, Comparable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static let start = SourceLocation(offset: 0, line: 1, column: 1)

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.offset < b.offset }

    public var description: String { "\(line):\(column)" }
}

/// A half-open range `[start, end)` of a cell's source.
public struct SourceRange: Equatable, Sendable, CustomStringConvertible {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(_ start: SourceLocation, _ end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(start, other.start), max(end, other.end))
    }

    public func contains(offset: Int) -> Bool { start.offset <= offset && offset < end.offset }

    public var description: String { "\(start)-\(end)" }
}
