/// The requests a kernel answers, by `msg_type`. The kernel core dispatches with an exhaustive
/// `switch` over this enum, so a new request type cannot be forgotten in one place.
public enum MessageType: Equatable, Sendable {
    case kernelInfoRequest
    case executeRequest
    case isCompleteRequest
    case completeRequest
    case inspectRequest
    case historyRequest
    case commInfoRequest
    case commOpen
    case commMsg
    case commClose
    case shutdownRequest
    case interruptRequest
    /// `input_reply` arrives on stdin; this language never asks for input.
    case inputReply
    /// Anything else (`debug_request`, `usage_request`, misspellings): logged and not answered.
    case unknown(String)

    public init(msgType: String) {
        switch msgType {
        case "kernel_info_request": self = .kernelInfoRequest
        case "execute_request": self = .executeRequest
        case "is_complete_request": self = .isCompleteRequest
        case "complete_request": self = .completeRequest
        case "inspect_request": self = .inspectRequest
        case "history_request": self = .historyRequest
        case "comm_info_request": self = .commInfoRequest
        case "comm_open": self = .commOpen
        case "comm_msg": self = .commMsg
        case "comm_close": self = .commClose
        case "shutdown_request": self = .shutdownRequest
        case "interrupt_request": self = .interruptRequest
        case "input_reply": self = .inputReply
        default: self = .unknown(msgType)
        }
    }
}
