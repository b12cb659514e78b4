/// Why a safetensors file could not be read or written. The description names the file and,
/// when one is involved, the tensor, e.g.
/// `model.safetensors: tensor 'pooler.dense.weight': data_offsets [0, 12) hold 12 bytes, but shape [2, 3] of F32 needs 24`.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable {
    /// The file's path.
    public let file: String
    /// The tensor the problem concerns, if any.
    public let tensor: String?
    /// What is wrong, in words.
    public let reason: String

    public init(file: String, tensor: String? = nil, reason: String) {
        self.file = file
        self.tensor = tensor
        self.reason = reason
    }

    public var description: String {
        if let tensor { return "\(file): tensor '\(tensor)': \(reason)" }
        return "\(file): \(reason)"
    }
}
