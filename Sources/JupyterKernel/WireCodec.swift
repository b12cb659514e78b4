import Foundation
import Display

/// Why an incoming multipart message was dropped. The server logs the description on stderr.
public enum WireError: Error, Equatable, CustomStringConvertible {
    case missingDelimiter
    case missingFrames(count: Int)
    case badSignature
    case duplicateSignature
    case badJSON(frame: String, reason: String)
    case notAnObject(frame: String)
    case missingField(String)

    public var description: String {
        switch self {
        case .missingDelimiter: return "no <IDS|MSG> delimiter frame"
        case .missingFrames(let n): return "\(n) frames after the delimiter, need at least 5 (signature, header, parent_header, metadata, content)"
        case .badSignature: return "signature does not match (wrong key or altered message)"
        case .duplicateSignature: return "signature seen before (replayed message)"
        case .badJSON(let frame, let reason): return "\(frame) is not valid JSON: \(reason)"
        case .notAnObject(let frame): return "\(frame) is not a JSON object"
        case .missingField(let field): return "header has no string '\(field)'"
        }
    }
}

/// A correctly signed message whose header is readable but whose parent header, metadata or
/// content is not (JSON that does not parse, such as a lone surrogate escape `"\ud800"`, or not an
/// object). Unlike the other `WireError`s it can be answered: `message` holds the identities and
/// the header, with the other parts empty, so the kernel can reply with an error to the right
/// client instead of leaving it waiting (`Kernel.handleUnreadable`).
public struct UnreadableMessage: Error, Equatable, CustomStringConvertible {
    public var message: Message
    public var problem: WireError

    public var description: String { "\(message.msgType) \(message.msgID): \(problem)" }
}

/// Encodes and decodes the wire form of a message (jupyter_client `docs/messaging.rst`,
/// "The Wire Protocol"):
///
///     [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
///
/// `decode` verifies the signature over the raw received JSON frames before parsing them and
/// rejects a signature it has already seen, as jupyter_client's `Session` does. It throws a
/// `WireError` for a message to drop and an `UnreadableMessage` for one to answer with an
/// error. Thread-safe.
public final class WireCodec {
    public static let delimiter = Data("<IDS|MSG>".utf8)

    public let signer: MessageSigner
    private let replayGuard: SignatureHistory

    public init(key: Data, rememberedSignatures: Int = 1 << 16) {
        signer = MessageSigner(key: key)
        replayGuard = SignatureHistory(capacity: rememberedSignatures)
    }

    public func encode(_ message: Message) -> [Data] {
        let parts = [message.header.serializedData(), message.parentHeader.serializedData(),
                     message.metadata.serializedData(), message.content.serializedData()]
        var frames = message.identities
        frames.reserveCapacity(frames.count + 6 + message.buffers.count)
        frames.append(WireCodec.delimiter)
        frames.append(signer.signature(of: parts))
        frames.append(contentsOf: parts)
        frames.append(contentsOf: message.buffers)
        return frames
    }

    public func decode(_ frames: [Data]) throws -> Message {
        guard let split = frames.firstIndex(of: WireCodec.delimiter) else { throw WireError.missingDelimiter }
        let rest = frames[(split + 1)...]
        guard rest.count >= 5 else { throw WireError.missingFrames(count: rest.count) }
        let signature = rest[rest.startIndex]
        let parts = rest[(rest.startIndex + 1)..<(rest.startIndex + 5)]
        guard signer.verify(signature: signature, of: parts) else { throw WireError.badSignature }
        if signer.isEnabled, !replayGuard.insert(signature) { throw WireError.duplicateSignature }

        // The header first: without a readable header there is nobody to answer, so the message
        // is dropped. With one, a frame that does not parse is the sender's mistake to be told
        // about, not a reason to leave a front end waiting forever (`UnreadableMessage`).
        let header = try Self.parseObject(parts[parts.startIndex], frame: "header")
        for field in ["msg_id", "msg_type"] where header[field]?.stringValue == nil {
            throw WireError.missingField(field)
        }
        let identities = Array(frames[..<split])
        var values: [JSON] = []
        for (name, frame) in zip(["parent_header", "metadata", "content"], parts.dropFirst()) {
            do {
                values.append(try Self.parseObject(frame, frame: name))
            } catch let problem as WireError {
                throw UnreadableMessage(message: Message(identities: identities, header: header), problem: problem)
            }
        }
        return Message(identities: identities, header: header, parentHeader: values[0],
                       metadata: values[1], content: values[2],
                       buffers: Array(rest[(rest.startIndex + 5)...]))
    }

    private static func parseObject(_ frame: Data, frame name: String) throws -> JSON {
        let value: JSON
        do { value = try JSON.parse(frame) } catch { throw WireError.badJSON(frame: name, reason: "\(error)") }
        guard case .object = value else { throw WireError.notAnObject(frame: name) }
        return value
    }
}
