/// What the kernel core needs from the sockets. The ZeroMQ server implements it; tests use an
/// in-memory fake that records every message (as xeus tests its core over a fake server).
///
/// `send` is called from the shell thread, the control thread and from threads a running cell
/// writes output on; an implementation must be thread-safe. Replies carry the request's
/// identities; IOPub messages carry their topic in `identities`.
public protocol KernelTransport: AnyObject {
    func send(_ message: Message, on channel: Channel)
    /// The kernel answered a `shutdown_request`: stop serving after the reply has gone out.
    /// `restart` is informational; a front end that restarts starts a new process.
    func shutdown(restart: Bool)
}
