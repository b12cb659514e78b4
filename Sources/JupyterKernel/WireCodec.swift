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

/// Encodes and decodes the wire form of a message (jupyter_client `docs/messaging.rst`,
/// "The Wire Protocol"):
///
///     [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
///
/// `decode` verifies the signature over the raw received JSON frames before parsing them and
/// rejects a signature it has already seen, as jupyter_client's `Session` does. Thread-safe.
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

        let names = ["header", "parent_header", "metadata", "content"]
        var values: [JSON] = []
        for (name, frame) in zip(names, parts) {
            let value: JSON
            do { value = try JSON.parse(frame) } catch { throw WireError.badJSON(frame: name, reason: "\(error)") }
            guard case .object = value else { throw WireError.notAnObject(frame: name) }
            values.append(value)
        }
        for field in ["msg_id", "msg_type"] where values[0][field]?.stringValue == nil {
            throw WireError.missingField(field)
        }
        return Message(identities: Array(frames[..<split]), header: values[0], parentHeader: values[1],
                       metadata: values[2], content: values[3],
                       buffers: Array(rest[(rest.startIndex + 5)...]))
    }
}
