import Display
import Foundation
import JupyterKernel

/// The wire codec. The input is the frames of one multipart message, separated by 0xFF (a
/// byte that never occurs in UTF-8, so frames of valid JSON never need it).
enum WireFuzzing {
    static let separator: UInt8 = 0xFF
    static let key = Data("bert-fuzz key".utf8)

    static func run(_ input: [UInt8]) -> FuzzTarget.Outcome {
        let frames = input.split(separator: separator, omittingEmptySubsequences: false).map { Data($0) }

        // Signing off (empty key): every frame reaches the JSON parser as received. A message
        // is dropped (WireError) or, when its header can be read, answered (UnreadableMessage).
        let unsigned = outcome(expecting: WireError.self, or: UnreadableMessage.self) {
            let message = try WireCodec(key: Data(), rememberedSignatures: 4).decode(frames)
            checkRoundTrip(message, key: Data())
        }

        // Signing on, with the frames re-signed so the parser runs behind a valid signature; a
        // signature is accepted once only, and the received signature frame only if it is the
        // right one.
        guard let split = frames.firstIndex(of: WireCodec.delimiter), frames.count >= split + 6 else { return unsigned }
        let codec = WireCodec(key: key, rememberedSignatures: 4)
        let asReceived = (try? codec.decode(frames)) != nil
        precondition(!asReceived || frames[split + 1] == codec.signer.signature(of: frames[(split + 2)..<(split + 6)]),
                     "a message with a wrong signature was accepted")
        var resigned = frames
        resigned[split + 1] = codec.signer.signature(of: frames[(split + 2)..<(split + 6)])
        let fresh = WireCodec(key: key, rememberedSignatures: 4)
        let signed = outcome(expecting: WireError.self, or: UnreadableMessage.self) {
            let message = try fresh.decode(resigned)
            checkRoundTrip(message, key: key)
            do {
                _ = try fresh.decode(resigned)
                preconditionFailure("a replayed signature was accepted")
            } catch WireError.duplicateSignature {
            }
        }
        precondition((unsigned == .accepted) == (signed == .accepted),
                     "signed and unsigned decoding disagree: \(unsigned) vs \(signed)")
        return signed
    }

    /// What the kernel sends back must decode to the same message.
    static func checkRoundTrip(_ message: Message, key: Data) {
        _ = MessageType(msgType: message.msgType)
        let again: Message
        do {
            again = try WireCodec(key: key, rememberedSignatures: 4).decode(WireCodec(key: key, rememberedSignatures: 4).encode(message))
        } catch {
            preconditionFailure("a decoded message does not decode after encoding: \(error)")
        }
        precondition(again == message, "a message changes on encoding and decoding again:\n\(message)\n\(again)")
    }
}
