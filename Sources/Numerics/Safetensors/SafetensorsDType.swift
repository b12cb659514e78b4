/// The element types a safetensors file may declare (`huggingface/safetensors`, `Dtype`).
///
/// Only the floating types convert to `Float`; the integer and boolean types are accepted
/// in a file (BERT checkpoints carry an int64 `embeddings.position_ids`) so that
/// validation can check their sizes, but reading them as floats is an error.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .F64, .I64: return 8
        case .F32, .I32: return 4
        case .F16, .BF16, .I16: return 2
        case .I8, .U8, .BOOL: return 1
        }
    }

    /// Whether `SafetensorsFile.floats(_:)` can read this type.
    public var isFloatingPoint: Bool {
        switch self {
        case .F64, .F32, .F16, .BF16: return true
        case .I64, .I32, .I16, .I8, .U8, .BOOL: return false
        }
    }
}
