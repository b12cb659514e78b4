import Display

/// The language side of the kernel, as xeus's `xinterpreter`: the kernel core handles
/// messages, status, execution counts and history, and asks the interpreter only about code.
///
/// `execute`, `complete`, `inspect` and `isComplete` are called on the shell thread, one at a
/// time. `interrupt()` is called from the control thread (or a SIGINT handler's thread) while
/// `execute` may be running, and must only set a flag that the running cell polls.
public protocol Interpreter: AnyObject {
    /// `language_info` of `kernel_info_reply`.
    var languageInfo: JSON { get }
    /// `banner` of `kernel_info_reply`.
    var banner: String { get }
    /// `help_links` of `kernel_info_reply`.
    var helpLinks: [(text: String, url: String)] { get }

    /// Runs a cell. Outputs go to `output` while it runs; the value of the last expression
    /// comes back in the outcome and is published by the kernel as `execute_result`.
    func execute(code: String, silent: Bool, output: OutputSink) -> ExecutionOutcome
    /// Completions at `cursor` (a position in Unicode scalars, as protocol 5.2+ counts).
    func complete(code: String, cursor: Int) -> Completion
    /// Help for the name at `cursor`, or nil when there is nothing there.
    func inspect(code: String, cursor: Int, detailLevel: Int) -> MimeBundle?
    /// Whether `code` is a whole cell, needs more lines, or cannot be parsed.
    func isComplete(code: String) -> Completeness
    /// Asks the running cell to stop at its next check. Thread-safe.
    func interrupt()
    /// Empties the session (kernel restart).
    func restart()
}

/// The result of running one cell.
public enum ExecutionOutcome {
    /// The cell ran. `result` is the value of its last expression, if any; `payloads` are
    /// `execute_reply` payloads such as `{"source": "page", "data": {...}, "start": 0}`.
    case ok(result: MimeBundle?, payloads: [JSON])
    /// The cell failed. `name` is one of the fixed `ename`s (`SyntaxError`, `NameError`,
    /// `ArgumentError`, `FileError`, `FormatError`, `StateError`, `NumericError`,
    /// `KeyboardInterrupt`); `traceback` lines may carry ANSI colour.
    case error(name: String, value: String, traceback: [String])
}

/// `complete_reply` content without the status.
public struct Completion: Equatable {
    public var matches: [String]
    /// The range of `code` (in Unicode scalars) that a match replaces.
    public var cursorStart: Int
    public var cursorEnd: Int
    /// `_jupyter_types_experimental` style metadata, optional.
    public var metadata: [String: JSON]

    public init(matches: [String], cursorStart: Int, cursorEnd: Int, metadata: [String: JSON] = [:]) {
        self.matches = matches
        self.cursorStart = cursorStart
        self.cursorEnd = cursorEnd
        self.metadata = metadata
    }
}

/// `is_complete_reply` status.
public enum Completeness: Equatable {
    case complete
    /// More input is needed; `indent` is the suggested indentation of the next line.
    case incomplete(indent: String)
    case invalid
    case unknown
}
