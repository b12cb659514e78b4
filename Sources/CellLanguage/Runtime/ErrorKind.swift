/// The fixed set of error names a failing cell reports (SPEC section 4, "Errors").
public enum ErrorKind: String, CaseIterable, Sendable {
    /// The cell cannot be parsed.
    case syntax = "SyntaxError"
    /// An unknown command or name.
    case name = "NameError"
    /// A wrong, missing or unknown argument, or a value out of range.
    case argument = "ArgumentError"
    /// A file or directory that is missing, unreadable or unwritable.
    case file = "FileError"
    /// A file whose content is malformed (CSV, JSON, safetensors, config).
    case format = "FormatError"
    /// The session is not ready for the command ("no model is loaded").
    case state = "StateError"
    /// NaN or infinite numbers, shape mismatches found while computing.
    case numeric = "NumericError"
    /// The user interrupted the cell.
    case interrupt = "KeyboardInterrupt"
}
