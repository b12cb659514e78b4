import Display

/// One command of the cell language: its documentation, signature and handler, declared in one
/// place. A command name may have several overloads (`plot(_:)` and `plot(attention:layer:head:)`),
/// each its own `Command`; a call picks the overload its arguments fit.
///
///     Command(name: "sleep", group: .basics,
///             summary: "Waits, interruptibly.",
///             doc: "Sleeps for `seconds`; the interrupt button stops it within a tenth of a second.",
///             parameters: [Parameter("seconds", .double, range: 0...86_400, doc: "how long to wait")],
///             example: "sleep(seconds: 2)") { args, context in
///         try context.session.sleep(seconds: try args.double("seconds"))
///         return nil
///     }
public struct Command {
    /// Where the command is listed in help and in the reference.
    public struct Group: Hashable, Sendable, Comparable {
        public var title: String
        public var order: Int
        public init(_ title: String, order: Int) {
            self.title = title
            self.order = order
        }
        public static func < (a: Group, b: Group) -> Bool { (a.order, a.title) < (b.order, b.title) }

        public static let basics = Group("Basics", order: 0)
        public static let model = Group("Model", order: 10)
        public static let data = Group("Data", order: 20)
        public static let training = Group("Training", order: 30)
        public static let teaching = Group("Teaching BERT", order: 40)
        public static let session = Group("Session", order: 90)
    }

    /// Runs the command with checked arguments. Returns the cell value (nil for none).
    public typealias Handler = (Arguments, ExecutionContext) throws -> Value?

    public var name: String
    public var group: Group
    /// One line, shown in the command list.
    public var summary: String
    /// Markdown, shown by `help(name)`, inspection and the reference.
    public var doc: String
    public var parameters: [Parameter]
    /// What the command returns, for the signature (`-> Evaluation`); nil when it returns nothing.
    public var returns: String?
    /// One runnable line (or a few), shown in help.
    public var example: String
    public var handler: Handler

    public init(name: String, group: Group, summary: String, doc: String, parameters: [Parameter] = [],
                returns: String? = nil, example: String, handler: @escaping Handler) {
        self.name = name
        self.group = group
        self.summary = summary
        self.doc = doc
        self.parameters = parameters
        self.returns = returns
        self.example = example
        self.handler = handler
    }

    /// `train(epochs: Int = 3, lr: Double = 5e-5) -> Training`
    public var signature: String {
        "\(name)(" + parameters.map(\.signature).joined(separator: ", ") + ")" + (returns.map { " -> \($0)" } ?? "")
    }

    /// The Swift-style selector: `load(model:labels:)`, `nsp(_:_:)`.
    public var selector: String {
        "\(name)(" + parameters.map { ($0.label ?? "_") + ":" }.joined() + ")"
    }

    /// Parameter labels, for completion and "did you mean".
    public var labels: [String] { parameters.compactMap(\.label) }
}

/// The checked arguments of a call, by parameter name, defaults filled in. Accessors throw
/// `ArgumentError` on a type the declaration does not allow (a bug in the declaration, reported
/// rather than crashing the kernel).
public struct Arguments {
    public var values: [String: Value]
    /// Where each argument was written, for errors pointing at it.
    var ranges: [String: SourceRange]

    public init(_ values: [String: Value]) {
        self.values = values
        self.ranges = [:]
    }

    init(values: [String: Value], ranges: [String: SourceRange]) {
        self.values = values
        self.ranges = ranges
    }

    public subscript(name: String) -> Value? { values[name] }

    /// True when the argument is present and not nil.
    public func has(_ name: String) -> Bool { values[name].map { $0 != .null } ?? false }

    private func mismatch(_ name: String, _ expected: String) -> SessionError {
        SessionError(.argument, "\(name): expected \(expected), got \(values[name]?.typeName ?? "nothing")", argument: name)
    }

    public func value(_ name: String) throws -> Value {
        guard let v = values[name] else { throw mismatch(name, "a value") }
        return v
    }

    public func string(_ name: String) throws -> String {
        guard case .string(let s)? = values[name] else { throw mismatch(name, "a String") }
        return s
    }

    public func optionalString(_ name: String) throws -> String? { try optional(name, string) }

    public func int(_ name: String) throws -> Int {
        guard case .int(let i)? = values[name] else { throw mismatch(name, "an Int") }
        return i
    }

    public func optionalInt(_ name: String) throws -> Int? { try optional(name, int) }

    public func double(_ name: String) throws -> Double {
        switch values[name] {
        case .double(let d)?: return d
        case .int(let i)?: return Double(i)
        default: throw mismatch(name, "a Double")
        }
    }

    public func optionalDouble(_ name: String) throws -> Double? { try optional(name, double) }

    public func bool(_ name: String) throws -> Bool {
        guard case .bool(let b)? = values[name] else { throw mismatch(name, "a Bool") }
        return b
    }

    public func optionalStrings(_ name: String) throws -> [String]? { try optional(name, strings) }

    /// `read(name)`, or nil when the optional argument was left out or given as nil.
    private func optional<T>(_ name: String, _ read: (String) throws -> T) rethrows -> T? {
        has(name) ? try read(name) : nil
    }

    /// A `String` or `[String]` argument as a list (`predict("a")` and `predict(["a", "b"])`).
    public func strings(_ name: String) throws -> [String] {
        switch values[name] {
        case .string(let s)?: return [s]
        case .array(let items)?:
            return try items.map {
                guard case .string(let s) = $0 else { throw mismatch(name, "strings") }
                return s
            }
        default: throw mismatch(name, "a String or [String]")
        }
    }
}
