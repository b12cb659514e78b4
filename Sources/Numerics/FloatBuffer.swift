/// An owned, 64-byte aligned, zero-initialised array of `Float32`: the storage behind parameters,
/// gradients, optimizer moments and activation arenas.
///
///     let buffer = FloatBuffer(count: 1024)
///     buffer.pointer[0] = 1
///
/// A class so that views (`pointer + offset`) stay valid while the owner lives; the memory is
/// never moved or resized, only replaced.
public final class FloatBuffer {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count must be non-negative")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride,
                                                   alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    /// Sets every value to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// The values, copied out.
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The view `[offset, offset + count)` as a buffer pointer.
    public func buffer(offset: Int, count: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition(offset >= 0 && count >= 0 && offset + count <= self.count, "view out of range")
        return UnsafeMutableBufferPointer(start: pointer + offset, count: count)
    }

    /// Copies `other` (same count) into this buffer.
    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "FloatBuffer copy with different counts")
        pointer.update(from: other.pointer, count: count)
    }
}
