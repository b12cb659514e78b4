import Display

/// Every command of the language, by name. The registry feeds argument checking, `help`,
/// completion, inspection and the generated Markdown reference, so none of them can drift
/// from the commands themselves.
///
/// Adding a command is one declaration in its group's file (`Commands/BasicCommands.swift`,
/// ...). A new group file adds one line to `standardGroups`.
public final class CommandRegistry {
    private var overloadsByName: [String: [Command]] = [:]
    private var order: [String] = []

    /// The command groups of the language, each a list of declarations in its own file.
    static let standardGroups: [() -> [Command]] = [
        BasicCommands.all,
        SessionCommands.all,
        ModelCommands.all,
        DataCommands.all,
        FileCommands.all,
        TrainingCommands.all,
        TuningCommands.all,
        PlotCommands.all,
        TeachingCommands.all,
        PretrainCommands.all,
        ExplainCommands.all,
    ]

    /// An empty registry (tests, or embedding only some commands).
    public init() {}

    /// All commands of the language.
    public static func standard() -> CommandRegistry {
        let registry = CommandRegistry()
        for group in standardGroups { registry.register(group()) }
        return registry
    }

    /// Adds a command (or another overload of an existing name). Two overloads with the same
    /// selector are a programmer error.
    public func register(_ command: Command) {
        var existing = overloadsByName[command.name] ?? []
        precondition(!existing.contains { $0.selector == command.selector }, "\(command.selector) is registered twice")
        if existing.isEmpty { order.append(command.name) }
        existing.append(command)
        overloadsByName[command.name] = existing
    }

    public func register(_ commands: [Command]) {
        for command in commands { register(command) }
    }

    /// The overloads of `name`, in registration order; empty when there is no such command.
    public func overloads(_ name: String) -> [Command] { overloadsByName[name] ?? [] }

    public func contains(_ name: String) -> Bool { overloadsByName[name] != nil }

    /// Command names, sorted.
    public var names: [String] { order.sorted() }

    /// Every overload, grouped and in registration order within a group.
    public var commands: [Command] {
        let all = order.flatMap { overloads($0) }
        return all.enumerated().sorted { a, b in
            a.element.group != b.element.group ? a.element.group < b.element.group : a.offset < b.offset
        }.map(\.element)
    }

    /// Commands by group, groups in order.
    var groups: [(Command.Group, [Command])] {
        var result: [(Command.Group, [Command])] = []
        for command in commands {
            if let last = result.last, last.0 == command.group {
                result[result.count - 1].1.append(command)
            } else {
                result.append((command.group, [command]))
            }
        }
        return result
    }
}

/// An argument after evaluation, with where it was written.
struct EvaluatedArgument {
    var label: String?
    var labelRange: SourceRange?
    var value: Value
    var valueRange: SourceRange
}

extension CommandRegistry {
    /// Picks the overload of `call.name` the arguments fit and checks them against its
    /// parameters. When none fits, the error comes from the overload that knows most of the
    /// labels used (so `load(dataset: 3)` complains about the type, not about `model:`).
    func bind(_ call: Call, _ arguments: [EvaluatedArgument]) throws -> (Command, Arguments) {
        let candidates = overloads(call.name)
        precondition(!candidates.isEmpty, "bind is called for known commands only")
        var best: (score: Int, error: LocatedError)?
        for command in candidates {
            switch bind(command, call, arguments) {
            case .success(let args): return (command, args)
            case .failure(let error):
                let known = arguments.filter { arg in arg.label.map { command.labels.contains($0) } ?? true }.count
                if best == nil || known > best!.score { best = (known, error) }
            }
        }
        throw best!.error
    }

    private func bind(_ command: Command, _ call: Call, _ arguments: [EvaluatedArgument]) -> Result<Arguments, LocatedError> {
        var values: [String: Value] = [:]
        var ranges: [String: SourceRange] = [:]
        let positional = command.parameters.filter { $0.label == nil }
        var nextPositional = 0
        for argument in arguments {
            let parameter: Parameter
            if let label = argument.label {
                guard let found = command.parameters.first(where: { $0.label == label }) else {
                    var message = "\(command.name)(...) has no argument '\(label):'"
                    let hint = Suggestions.didYouMean(label, in: command.labels)
                    if !hint.isEmpty {
                        message += hint
                    } else if command.labels.isEmpty {
                        message += "; its signature is \(command.signature)"
                    } else {
                        message += "; its labels are " + command.labels.map { "\($0):" }.joined(separator: ", ")
                    }
                    return .failure(LocatedError(.argument, message, at: argument.labelRange))
                }
                parameter = found
            } else {
                guard nextPositional < positional.count else {
                    let message: String
                    if positional.isEmpty, let first = command.parameters.first(where: { !values.keys.contains($0.name) }) {
                        message = "\(command.name)(...) needs labelled arguments; write \(command.name)(\(first.name): \(argument.value.plainText))"
                    } else if positional.isEmpty {
                        message = "\(command.name)() takes no arguments"
                    } else {
                        message = "too many unlabelled arguments for \(command.signature)"
                    }
                    return .failure(LocatedError(.argument, message, at: argument.valueRange))
                }
                parameter = positional[nextPositional]
                nextPositional += 1
            }
            if values[parameter.name] != nil {
                return .failure(LocatedError(.argument, "'\(parameter.name)' is given twice", at: argument.labelRange ?? argument.valueRange))
            }
            switch parameter.accept(argument.value) {
            case .accepted(let accepted):
                values[parameter.name] = accepted
                ranges[parameter.name] = argument.labelRange.map { $0.union(argument.valueRange) } ?? argument.valueRange
            case .rejected(let reason):
                let name = parameter.label.map { "'\($0):'" } ?? "'\(parameter.name)'"
                return .failure(LocatedError(.argument, "\(command.name)(...) argument \(name) \(reason)", at: argument.valueRange))
            }
        }
        for parameter in command.parameters where values[parameter.name] == nil {
            if let defaultValue = parameter.defaultValue {
                values[parameter.name] = defaultValue
            } else if parameter.optional {
                values[parameter.name] = .null
            } else {
                let what = parameter.label.map { "'\($0):'" } ?? "its \(parameter.name) (unlabelled)"
                return .failure(LocatedError(.argument, "\(command.name)(...) is missing \(what); the signature is \(command.signature)", at: call.range))
            }
        }
        return .success(Arguments(values: values, ranges: ranges))
    }
}
