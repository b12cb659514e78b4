import Display
import Foundation

/// The persistent state of a kernel: `let` bindings and the components later commands add
/// (loaded model, dataset, optimizer, metric history), plus the interrupt flag long work polls.
///
/// Commands are thin bindings over this typed API, which a Swift program can use directly:
///
///     let session = Session()
///     try session.sleep(seconds: 0.5)
///     session.bind("x", .int(3))
///
/// State changes are all-or-nothing: a command computes its new state completely (a loaded
/// model, a trained copy of the weights) and stores it with one `setComponent` at the end, so an
/// error or interrupt half way leaves the previous state in place.
///
/// Not thread-safe except `interrupt()`, which the kernel calls from its control thread while
/// a cell runs on the shell thread.
public final class Session {
    public private(set) var bindings: [String: Value] = [:]
    private var components: [ObjectIdentifier: Any] = [:]
    private var componentOrder: [ObjectIdentifier] = []

    private let interruptCondition = NSCondition()
    private var interruptRequested = false

    public init() {}

    // MARK: bindings

    public func bind(_ name: String, _ value: Value) { bindings[name] = value }

    public func unbind(_ name: String) { bindings[name] = nil }

    public func value(of name: String) -> Value? { bindings[name] }

    // MARK: components

    /// The stored component of type `C`, e.g. `session.component(LoadedModel.self)`.
    ///
    /// Others add typed accessors in their own files:
    ///
    ///     extension Session {
    ///         public var model: LoadedModel? { component(LoadedModel.self) }
    ///     }
    public func component<C: SessionComponent>(_ type: C.Type) -> C? {
        components[ObjectIdentifier(type)] as? C
    }

    /// The component of type `C`, or a `StateError` with `message` when there is none:
    ///
    ///     let model = try session.require(LoadedModel.self, "no model is loaded; run load(model: ...) first")
    public func require<C: SessionComponent>(_ type: C.Type, _ message: @autoclosure () -> String) throws -> C {
        guard let component = component(type) else { throw SessionError(.state, message()) }
        return component
    }

    /// Stores (or with nil removes) the component of type `C`, in one step.
    public func setComponent<C: SessionComponent>(_ component: C?, as type: C.Type = C.self) {
        let key = ObjectIdentifier(type)
        if let component {
            if components[key] == nil { componentOrder.append(key) }
            components[key] = component
        } else {
            components[key] = nil
            componentOrder.removeAll { $0 == key }
        }
    }

    /// Components in the order they were first stored.
    public var allComponents: [any SessionComponent] {
        componentOrder.compactMap { components[$0] as? any SessionComponent }
    }

    /// Empties the session: bindings and every component.
    public func reset() {
        bindings = [:]
        components = [:]
        componentOrder = []
    }

    // MARK: interrupt

    /// Asks the running work to stop at its next check. Thread-safe; wakes `sleep` at once.
    public func interrupt() {
        interruptCondition.lock()
        interruptRequested = true
        interruptCondition.broadcast()
        interruptCondition.unlock()
    }

    /// Forgets a pending interrupt (the engine does this when a cell starts).
    public func clearInterrupt() {
        interruptCondition.lock()
        interruptRequested = false
        interruptCondition.unlock()
    }

    public var isInterrupted: Bool {
        interruptCondition.lock()
        defer { interruptCondition.unlock() }
        return interruptRequested
    }

    /// Throws `KeyboardInterrupt` when an interrupt is pending. Long loops call this at least
    /// every ~100 ms (once per training step, per batch, per file chunk).
    public func checkInterrupt() throws {
        if isInterrupted { throw SessionError.interrupted }
    }

    /// Waits `seconds`, returning early with `KeyboardInterrupt` as soon as `interrupt()` is
    /// called (woken by a condition variable, so well within 100 ms).
    public func sleep(seconds: Double) throws {
        guard seconds.isFinite, seconds >= 0 else {
            throw SessionError(.argument, "seconds must be a finite number ≥ 0, got \(Value.format(seconds))", argument: "seconds")
        }
        let deadline = Date(timeIntervalSinceNow: seconds)
        interruptCondition.lock()
        defer { interruptCondition.unlock() }
        while !interruptRequested {
            if !interruptCondition.wait(until: deadline) { break }
        }
        if interruptRequested { throw SessionError.interrupted }
    }

    // MARK: info

    /// What the session holds: one section for the bindings, one per component.
    public func info() -> [InfoSection] {
        var sections: [InfoSection] = []
        let names = bindings.keys.sorted()
        sections.append(InfoSection(
            title: "Bindings",
            rows: names.map { ($0, "\(bindings[$0]!.typeName): \(Parameter.short(bindings[$0]!))") },
            json: .object(Dictionary(uniqueKeysWithValues: names.map { ($0, bindings[$0]!.json) }))))
        for component in allComponents { sections.append(component.info) }
        return sections
    }
}

/// A part of the session state added by a later command (model, dataset, optimizer, history).
public protocol SessionComponent {
    /// How `info()` shows it.
    var info: InfoSection { get }
}

/// One section of `info()`: a title, key/value rows for text and HTML, and JSON numbers.
public struct InfoSection {
    public var title: String
    public var rows: [(key: String, value: String)]
    public var json: JSON

    public init(title: String, rows: [(String, String)], json: JSON) {
        self.title = title
        self.rows = rows.map { (key: $0.0, value: $0.1) }
        self.json = json
    }
}
