/// The numbers an option accepts: an interval whose ends may be open, closed or infinite.
///
///     OptionRange(1...10_000).contains(0)     // false
///     OptionRange.open(0, 1).text()            // "(0, 1)"
///     OptionRange(1...10_000).text()           // "1...10000"
public struct OptionRange: Equatable {
    public var lower: Double
    public var includesLower: Bool
    public var upper: Double
    public var includesUpper: Bool

    public init(lower: Double, includesLower: Bool, upper: Double, includesUpper: Bool) {
        self.lower = lower
        self.includesLower = includesLower
        self.upper = upper
        self.includesUpper = includesUpper
    }

    /// [a, b]
    public init(_ closed: ClosedRange<Double>) {
        self.init(lower: closed.lowerBound, includesLower: true, upper: closed.upperBound, includesUpper: true)
    }

    /// (a, b)
    public static func open(_ a: Double, _ b: Double) -> OptionRange {
        OptionRange(lower: a, includesLower: false, upper: b, includesUpper: false)
    }

    /// [a, b)
    public static func upperOpen(_ a: Double, _ b: Double) -> OptionRange {
        OptionRange(lower: a, includesLower: true, upper: b, includesUpper: false)
    }

    /// [a, ∞): finite numbers from a on.
    public static func atLeast(_ a: Double) -> OptionRange {
        OptionRange(lower: a, includesLower: true, upper: .infinity, includesUpper: false)
    }

    /// (a, ∞): finite numbers above a.
    public static func greaterThan(_ a: Double) -> OptionRange {
        OptionRange(lower: a, includesLower: false, upper: .infinity, includesUpper: false)
    }

    /// False for NaN.
    public func contains(_ x: Double) -> Bool {
        (includesLower ? x >= lower : x > lower) && (includesUpper ? x <= upper : x < upper)
    }

    /// A closed interval with finite ends (`1...10000`).
    public var isClosed: Bool { includesLower && includesUpper && lower.isFinite && upper.isFinite }

    /// `1...10000` for a closed interval, else interval notation: `(0, 1)`, `[0, 1)`, `[0, ∞)`.
    public func text(_ format: (Double) -> String = OptionRange.format) -> String {
        if isClosed { return "\(format(lower))...\(format(upper))" }
        let low = lower.isFinite ? format(lower) : "-∞", high = upper.isFinite ? format(upper) : "∞"
        return (includesLower ? "[" : "(") + low + ", " + high + (includesUpper ? "]" : ")")
    }

    /// For messages, "x must be …": `between 1 and 10000`, `in (0, 1)`.
    public func phrase(_ format: (Double) -> String = OptionRange.format) -> String {
        isClosed ? "between \(format(lower)) and \(format(upper))" : "in " + text(format)
    }

    /// Integers without a fraction (`10000`), others as Swift prints them.
    public static func format(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}
