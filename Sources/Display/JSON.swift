import Foundation

/// A JSON value, used wherever the kernel exchanges structured data: Jupyter message
/// frames, `application/vnd.bert-kernel+json` outputs, `config.json`.
///
///     let value: JSON = ["accuracy": 0.91, "labels": ["neg", "pos"]]
///     value.serialized()   // {"accuracy":0.91,"labels":["neg","pos"]}
///
/// Numbers that are not finite cannot be represented in JSON (jupyter_client decodes with
/// `allow_nan=False`), so `serialized()` writes them as `null`.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
}

extension JSON {
    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [String: JSON]? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { self == .null }

    /// Integer value of `.int`, or of a `.double` that holds a whole number.
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSON {
    /// Convenience for numeric arrays (probabilities, logits, ids).
    public init<F: BinaryFloatingPoint>(_ values: [F]) { self = .array(values.map { .double(Double($0)) }) }
    public init(_ values: [Int]) { self = .array(values.map { .int($0) }) }
    public init(_ values: [String]) { self = .array(values.map { .string($0) }) }
}
