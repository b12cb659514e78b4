import Display

/// The outcome of one cell: the value of its last expression (nil when it ends in a `let`, in a
/// command returning nothing, or in `;`) and pager pages (`?name`), or the error it stopped on.
public enum CellOutcome {
    case success(value: MimeBundle?, pages: [MimeBundle])
    case failure(CellError)
}

/// `is_complete` answer.
public enum CellCompleteness: Equatable {
    case complete
    case incomplete(indent: String)
    case invalid
}

/// Runs cells of the command language against one persistent `Session`. Knows nothing of
/// Jupyter: output goes to an `OutputSink`, results come back as `MimeBundle`s.
///
///     let engine = Engine()
///     engine.execute("let x = [1, 2]\nx", output: sink)   // .success(value: "[1, 2]", pages: [])
///
/// Statements run in order. A statement that fails stops the cell and has no effect of its own;
/// statements before it keep theirs (bindings included), as in a Python notebook. A cell with a
/// syntax error anywhere runs nothing. Commands change the model or data only once their work
/// has fully succeeded (see `Session`), so a failure never leaves them half-updated.
public final class Engine {
    public let session: Session
    public let registry: CommandRegistry

    public init() {
        session = Session()
        registry = CommandRegistry.standard()
    }

    /// An engine over a given registry and session (tests, embedding).
    public init(registry: CommandRegistry, session: Session = Session()) {
        self.session = session
        self.registry = registry
    }

    public func execute(_ code: String, output: OutputSink) -> CellOutcome {
        session.clearInterrupt()
        let program: Program
        do {
            program = try Parser.parse(code)
        } catch let error as ParseError {
            return .failure(LocatedError(.syntax, error.message, at: error.range).cellError(source: code))
        } catch {
            return .failure(LocatedError(.syntax, "\(error)", at: nil).cellError(source: code))
        }
        let context = ExecutionContext(session: session, output: output, registry: registry)
        var result: Value?
        for statement in program.statements {
            do {
                try session.checkInterrupt()
                result = try run(statement, context)
            } catch {
                return .failure(locate(error, in: statement.range).cellError(source: code))
            }
        }
        return .success(value: program.suppressesResult ? nil : result?.mimeBundle, pages: context.pages)
    }

    /// Stops the running cell at its next interrupt check. Thread-safe.
    public func interrupt() { session.interrupt() }

    /// Empties the session (kernel restart).
    public func reset() {
        session.reset()
        session.clearInterrupt()
    }

    /// Runs one statement; returns its value when it is an expression with one.
    private func run(_ statement: Statement, _ context: ExecutionContext) throws -> Value? {
        switch statement {
        case .binding(let name, let nameRange, let expression, _):
            if registry.contains(name) {
                throw LocatedError(.name, "'\(name)' is a command; choose another name for the value", at: nameRange)
            }
            let value = try evaluate(expression, context) ?? .null
            session.bind(name, value)
            return nil
        case .help(let name, let range):
            if let name {
                guard let page = Help.bundle(for: name, registry: registry, session: session) else {
                    throw LocatedError(.name, "no command or name '\(name)'" + Suggestions.didYouMean(name, in: registry.names + session.bindings.keys), at: range)
                }
                context.page(page)
            } else {
                context.page(Help.commandList(registry))
            }
            return nil
        case .expression(let expression):
            return try evaluate(expression, context)
        }
    }

    /// The value of an expression; nil for a command that returns nothing.
    func evaluate(_ expression: Expression, _ context: ExecutionContext) throws -> Value? {
        switch expression {
        case .literal(let literal, _):
            switch literal {
            case .string(let s): return .string(s)
            case .integer(let i): return .int(i)
            case .double(let d): return .double(d)
            case .bool(let b): return .bool(b)
            case .null: return .null
            }
        case .identifier(let name, let range):
            if let value = session.value(of: name) { return value }
            if registry.contains(name) { return .command(name) }
            throw LocatedError(.name, "unknown name '\(name)'" + Suggestions.didYouMean(name, in: Array(session.bindings.keys) + registry.names), at: range)
        case .array(let elements, _):
            return .array(try elements.map { try evaluate($0, context) ?? .null })
        case .call(let call):
            return try evaluateCall(call, context)
        }
    }

    private func evaluateCall(_ call: Call, _ context: ExecutionContext) throws -> Value? {
        guard registry.contains(call.name) else {
            if session.value(of: call.name) != nil {
                throw LocatedError(.name, "'\(call.name)' is a value, not a command", at: call.nameRange)
            }
            throw LocatedError(.name, "unknown command '\(call.name)'" + Suggestions.didYouMean(call.name, in: registry.names), at: call.nameRange)
        }
        var evaluated: [EvaluatedArgument] = []
        for argument in call.arguments {
            let value = try evaluate(argument.value, context) ?? .null
            evaluated.append(EvaluatedArgument(label: argument.label, labelRange: argument.labelRange, value: value, valueRange: argument.value.range))
        }
        let (command, arguments) = try registry.bind(call, evaluated)
        do {
            return try command.handler(arguments, context)
        } catch let error as LocatedError {
            throw error
        } catch {
            let sessionError = Engine.sessionError(from: error)
            let range = sessionError.argument.flatMap { arguments.ranges[$0] } ?? call.range
            throw LocatedError(sessionError.kind, sessionError.message, at: range)
        }
    }

    /// Any error as one of the fixed kinds.
    static func sessionError(from error: Error) -> SessionError {
        switch error {
        case let e as SessionError: return e
        case let e as CellErrorConvertible: return e.sessionError
        default: return SessionError(.state, "\(error)")
        }
    }

    private func locate(_ error: Error, in range: SourceRange) -> LocatedError {
        if let located = error as? LocatedError { return located }
        let e = Engine.sessionError(from: error)
        return LocatedError(e.kind, e.message, at: range)
    }
}
