/// The Jupyter sockets a message travels on (jupyter_client `docs/messaging.rst`, "Introduction").
/// Heartbeat is not here: it echoes raw frames and never reaches the kernel core.
public enum Channel: String, Sendable, CaseIterable {
    /// Requests from the front end (ROUTER); answered one at a time on the shell thread.
    case shell
    /// Like shell, but served on its own thread so `interrupt_request` and `shutdown_request`
    /// are answered while a cell runs.
    case control
    /// Broadcast of status, inputs and outputs to every front end (PUB).
    case iopub
    /// Input requests from the kernel to the front end (ROUTER); unused by this language.
    case stdin
}
