/// One tensor's entry in a safetensors header.
public struct SafetensorsTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    /// Dimensions in C (row-major) order; `[]` is a scalar.
    public let shape: [Int]
    /// Byte range `[begin, end)` relative to the start of the data buffer.
    public let dataOffsets: Range<Int>

    /// Number of elements, the product of `shape` (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}
