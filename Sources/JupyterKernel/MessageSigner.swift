import Foundation
@preconcurrency import Crypto

/// HMAC-SHA256 message signatures, as jupyter_client's `Session.sign`: the lowercase hex
/// digest over the header, parent header, metadata and content frames, in that order.
/// An empty key disables signing (the signature frame is empty and not checked).
public struct MessageSigner: Sendable {
    private let key: SymmetricKey?

    /// - key: the connection file's `key`, as its UTF-8 bytes.
    public init(key: Data) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: key)
    }

    public var isEnabled: Bool { key != nil }

    /// The signature frame for four JSON frames: 64 lowercase hex digits, or empty without a key.
    public func signature<Frames: Sequence>(of frames: Frames) -> Data where Frames.Element == Data {
        guard let key else { return Data() }
        var hmac = HMAC<SHA256>(key: key)
        for frame in frames { hmac.update(data: frame) }
        return MessageSigner.hex(Data(hmac.finalize()))
    }

    /// Whether `signature` (the raw received frame) is the signature of `frames`. Compares in
    /// time independent of where the bytes differ, so a forger learns nothing from timing.
    public func verify<Frames: Sequence>(signature: Data, of frames: Frames) -> Bool where Frames.Element == Data {
        guard isEnabled else { return true }
        return MessageSigner.constantTimeEqual(signature, self.signature(of: frames))
    }

    /// Equal lengths and equal bytes, reading every byte whatever the first difference.
    /// The length is not secret (a hex HMAC-SHA256 is always 64 bytes).
    public static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: Data) -> Data {
        var out = Data(capacity: bytes.count * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return out
    }
}
