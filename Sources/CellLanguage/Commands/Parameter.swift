import Bert

/// The type a parameter accepts. `Int` literals are accepted where a `Double` is expected.
public indirect enum ParameterType: Equatable, Sendable, CustomStringConvertible {
    case string
    case int
    case double
    case bool
    /// Any value (e.g. `print`'s argument).
    case any
    /// An array whose elements all have the element type.
    case array(ParameterType)
    /// One of several types, e.g. `predict` takes a `String` or `[String]`.
    case oneOf([ParameterType])
    /// A command, written bare (`help(train)`) or as a string (`help("train")`).
    case command

    public var description: String {
        switch self {
        case .string: return "String"
        case .int: return "Int"
        case .double: return "Double"
        case .bool: return "Bool"
        case .any: return "Any"
        case .array(let element): return "[\(element)]"
        case .oneOf(let types): return types.map(\.description).joined(separator: " | ")
        case .command: return "Command"
        }
    }
}

/// One parameter of a command signature.
///
///     Parameter("epochs", .int, default: .int(3), range: 1...1000, doc: "passes over the training set")
///     Parameter(positional: "value", .any, doc: "what to print")
///     Parameter("patience", .int, optional: true, doc: "stop after this many epochs without improvement")
///     Parameter(positional: "kind", .string, allowed: ["loss", "accuracy"], doc: "what to plot")
public struct Parameter {
    /// The argument label; nil for a positional parameter (written `_` in Swift).
    public var label: String?
    /// The label, or for a positional parameter the name used in docs and `Arguments`.
    public var name: String
    public var type: ParameterType
    /// Used when the argument is left out. Nil with `optional == false` means required.
    public var defaultValue: Value?
    /// Accepts `nil` (`Int?`); an optional parameter without a default defaults to `nil`.
    public var optional: Bool
    /// For strings: the only values accepted (plot kinds, splits). Empty = any string.
    public var allowed: [String]
    /// For strings: values offered by completion without restricting input ("demo").
    public var suggestions: [String]
    /// For strings: completion offers file paths.
    public var completesPaths: Bool
    /// For numbers: the accepted values.
    public var range: OptionRange?
    public var doc: String

    public init(_ label: String, _ type: ParameterType, default defaultValue: Value? = nil, optional: Bool = false,
                allowed: [String] = [], suggestions: [String] = [], paths: Bool = false,
                range: ClosedRange<Double>? = nil, doc: String) {
        self.label = label
        self.name = label
        self.type = type
        self.defaultValue = defaultValue
        self.optional = optional
        self.allowed = allowed
        self.suggestions = suggestions
        self.completesPaths = paths
        self.range = range.map(OptionRange.init)
        self.doc = doc
    }

    /// The parameter of a declared training option: its name, type, default, range and doc.
    public init(_ option: TrainOptions.Declaration) {
        let type: ParameterType = switch option.kind {
        case .int: .int
        case .double: .double
        case .bool: .bool
        case .string: .string
        case .intOrString: .oneOf([.int, .string])
        }
        self.init(option.name, type, default: Value(option.defaultValue), optional: option.optional, allowed: option.allowed,
                  doc: option.doc)
        range = option.range
    }

    public init(positional name: String, _ type: ParameterType, default defaultValue: Value? = nil,
                optional: Bool = false, allowed: [String] = [], suggestions: [String] = [], paths: Bool = false,
                range: ClosedRange<Double>? = nil, doc: String) {
        self.init(name, type, default: defaultValue, optional: optional, allowed: allowed, suggestions: suggestions,
                  paths: paths, range: range, doc: doc)
        self.label = nil
    }

    public var isRequired: Bool { defaultValue == nil && !optional }

    /// `epochs: Int = 3`, `_ value: Any`, `patience: Int? = nil`.
    public var signature: String {
        var text = (label ?? "_ \(name)") + ": " + typeDescription
        if let defaultValue {
            text += " = " + defaultValue.plainText
        } else if optional {
            text += " = nil"
        }
        return text
    }

    /// The type with `?` for optional parameters.
    public var typeDescription: String {
        var t = type.description
        if optional { t = t.contains(" ") ? "(\(t))?" : t + "?" }
        return t
    }

    /// Checks `value` against the type, the allowed values and the range; converts `Int` to
    /// `Double` where a `Double` is expected. Returns the accepted value or a reason.
    func accept(_ value: Value) -> Acceptance {
        if value == .null {
            return optional ? .accepted(.null) : .rejected("expects \(type), got nil")
        }
        guard let converted = Parameter.convert(value, to: type) else {
            return .rejected("expects \(typeDescription), got \(value.typeName) \(Parameter.short(value))")
        }
        if !allowed.isEmpty, case .string(let s) = converted, !allowed.contains(s) {
            let options = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
            return .rejected("must be one of \(options), got \"\(s)\"" + Suggestions.didYouMean(s, in: allowed))
        }
        if let range {
            let numbers: [Double]
            switch converted {
            case .int(let i): numbers = [Double(i)]
            case .double(let d): numbers = [d]
            default: numbers = []
            }
            for n in numbers where !(range.contains(n)) {
                return .rejected("must be \(range.phrase(Value.formatNumber)), got \(Value.formatNumber(n))")
            }
        }
        return .accepted(converted)
    }

    enum Acceptance {
        case accepted(Value)
        case rejected(String)
    }

    static func short(_ value: Value) -> String {
        let text = value.plainText
        return text.count > 40 ? String(text.prefix(37)) + "..." : text
    }

    static func convert(_ value: Value, to type: ParameterType) -> Value? {
        switch (type, value) {
        case (.any, _): return value
        case (.string, .string), (.int, .int), (.double, .double), (.bool, .bool): return value
        case (.double, .int(let i)): return .double(Double(i))
        case (.command, .command): return value
        case (.command, .string(let s)): return .command(s)
        case (.array(let element), .array(let items)):
            var out: [Value] = []
            for item in items {
                guard let c = convert(item, to: element) else { return nil }
                out.append(c)
            }
            return .array(out)
        case (.oneOf(let types), _):
            for t in types { if let c = convert(value, to: t) { return c } }
            return nil
        default: return nil
        }
    }
}

extension Value {
    /// A declared option's value; nil for `.none` (the parameter is optional without a default).
    init?(_ value: TrainOptions.OptionValue) {
        switch value {
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .bool(let b): self = .bool(b)
        case .string(let s): self = .string(s)
        case .none: return nil
        }
    }
}

extension Arguments {
    /// The checked argument of a declared training option.
    func value(of option: TrainOptions.Declaration) throws -> TrainOptions.OptionValue {
        if option.optional, !has(option.name) { return .none }
        switch option.kind {
        case .int: return .int(try int(option.name))
        case .double: return .double(try double(option.name))
        case .bool: return .bool(try bool(option.name))
        case .string: return .string(try string(option.name))
        case .intOrString:
            if case .int(let i) = try value(option.name) { return .int(i) }
            return .string(try string(option.name))
        }
    }

    /// The sliding windows of the shared window options (`TrainOptions.windowDeclarations`);
    /// nil without `window:`.
    func windows() throws -> TextWindows? {
        var options = TrainOptions()
        for option in TrainOptions.windowDeclarations { option.write(try value(of: option), &options) }
        return options.windows
    }
}
