import Foundation
import Dispatch

/// Which `execute_request`s to abort after a cell failed with `stop_on_error` ("Run All" must
/// stop at the first error; jupyter_client `docs/messaging.rst`, "Execute").
///
///     let rule = StopOnError(errorReplySent: .now(), wallClock: HeaderFactory.currentSeconds())
///     rule.aborts(request, now: .now())   // true: sent before the client could see the error
///
/// The aim: abort every request *sent before the client could have seen the error reply*, and
/// nothing sent after it. The kernel cannot see when the client read the reply, but it controls
/// when the reply leaves, and the client stamps each request with the time it made it. So:
///
/// 0. The error reply is held for `replyHold` (50 ms) before it is sent (`Kernel.sendExecuteReply`).
///    Nothing that arrives meanwhile can be a reaction to the error, since the client does not
///    have it yet. Without the hold the reply of a cell that fails in microseconds (a `NameError`)
///    left before the second of two requests sent back to back was even made: jupyter_client
///    takes 0.3 to 3 ms between two `execute` calls, and the second ran in about half the trials
///    (issue 13: 10 of 20; 25 to 43 of 50 here, before this rule). ipykernel rarely meets this
///    because a Python cell takes milliseconds to fail. 50 ms is 15 times the longest gap seen
///    under a load of 12 on 2 cores, and no person notices it on an error.
/// 1. A request the server had already read off the shell socket when the reply went out
///    (`Message.receivedAt` earlier than `errorReplySent`) was queued: aborted. The server reads
///    every waiting request just before it sends each shell reply, so this is exact. It is
///    ipykernel's rule (ipykernel 7.4 `kernelbase.py`, `_abort_queues`, posts a "stop aborting"
///    marker behind the messages its shell-channel thread has already received).
/// 2. A request whose header `date` is earlier than the moment the reply was sent was made before
///    the reply existed: aborted, if it arrives less than `inFlightWindow` (1 s) after the reply.
///    This catches one still in flight after the hold (a slow link).
///
/// A request made after the client received the reply is dated after it and arrives after it,
/// so it runs, however soon it follows.
///
/// Why not ipykernel's other knob, `stop_on_error_timeout` (abort whatever arrives within a set
/// time *after* the error reply; default 0.0 since ipykernel 6)? That window also aborts the next
/// request of a client that reacts to the error reply at once (nbclient, a script,
/// `jupyter_kernel_test`). Holding the reply instead costs 50 ms on a failing cell and cannot
/// abort a reaction.
///
/// Clocks: rule 2 compares the client's clock with the kernel's; on one machine, or with NTP,
/// they agree. A client clock *behind* the kernel's makes requests look older than they are:
/// the 1 s bound limits the harm to requests arriving in the first second after an error (without
/// it a client an hour slow would have every request aborted for an hour). A client clock
/// *ahead* makes requests look newer, so only rules 0 and 1 protect them, as before rule 2. A
/// request without a readable zoned date is judged by rules 0 and 1 alone.
public struct StopOnError {
    /// How long the reply of a failing cell with `stop_on_error` is held before it is sent.
    public static let replyHold: Double = 0.05
    /// How long after an error reply a request dated before it may still be arriving. Requests
    /// sent before the reply are on the wire for a network latency (microseconds on one machine,
    /// rarely 0.3 s across the world); 1 s covers that with room to spare, and is shorter than any
    /// person takes to read an error and run the cell again.
    public static let inFlightWindow: Double = 1.0

    /// Monotonic time just after the error reply was handed to the transport.
    let errorReplySent: DispatchTime
    /// The wall clock just before the reply was handed over, in seconds since 1970 (the scale of
    /// header dates): a request dated earlier was made before the reply existed.
    let wallClock: Double

    init(errorReplySent: DispatchTime, wallClock: Double) {
        self.errorReplySent = errorReplySent
        self.wallClock = wallClock
    }

    /// Whether `request`, handled at `now`, is to be aborted rather than run.
    func aborts(_ request: Message, now: DispatchTime) -> Bool {
        if let received = request.receivedAt, received < errorReplySent { return true }
        guard let text = request.header["date"]?.stringValue, let sent = HeaderFactory.seconds(fromISO8601: text)
        else { return false }
        let sinceError = Double(now.uptimeNanoseconds &- errorReplySent.uptimeNanoseconds) / 1e9
        return sent < wallClock && now >= errorReplySent && sinceError < StopOnError.inFlightWindow
    }
}
