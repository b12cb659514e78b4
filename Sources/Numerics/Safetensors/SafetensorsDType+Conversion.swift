import Foundation

extension SafetensorsDType {
    /// Converts `count` little-endian elements at `source` (no alignment assumed) to Float32:
    /// F32 as is, F16 and BF16 exactly, F64 rounded to nearest. Used by safetensors and by
    /// PyTorch checkpoints, whose storages have the same element types.
    /// - out: (count)
    func convertToFloat(_ source: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        switch self {
        case .F32:
            // memcpy has no alignment requirement; the host is little-endian like the formats.
            memcpy(out, source, count * 4)
        case .F16:
            for i in 0..<count {
                out[i] = SafetensorsFile.floatFromHalfBits(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian)
            }
        case .BF16:
            // bfloat16 is the top half of a float32.
            for i in 0..<count {
                out[i] = Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16)
            }
        case .F64:
            for i in 0..<count {
                out[i] = Float(Double(bitPattern: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian))
            }
        case .I64, .I32, .I16, .I8, .U8, .BOOL:
            preconditionFailure("only floating-point dtypes convert to Float (callers check isFloatingPoint)")
        }
    }
}
