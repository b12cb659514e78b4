import Glibc

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
    /// The length of the mapping behind `pointer` (a large buffer), or 0 (from the allocator).
    private let mappedBytes: Int

    /// Buffers of at least this many bytes (1 MiB) are mapped from the kernel.
    static let mappingThreshold = 1 << 20

    /// A large buffer is an anonymous mapping: the kernel's fresh pages are zero, so it is not
    /// filled, and a page costs memory only once written. A training arena of gigabytes is then
    /// there at once rather than after seconds of zero-filling (time in which a step made no
    /// `checkPeers` look, issue 20), and a slice a pass never writes never counts in its RSS.
    /// Small ones come from the allocator, zero-filled. Stops the process when the kernel refuses
    /// the memory: for sizes a user's input sets, use `init?(ifAvailable:)`.
    public convenience init(count: Int) {
        guard let made = Self.obtain(count: count) else {
            fatalError("FloatBuffer: cannot map \(count) floats: \(String(cString: strerror(errno)))")
        }
        self.init(count: count, raw: made.raw, mappedBytes: made.mappedBytes)
    }

    /// The same, or nil when the kernel refuses the memory (an activation arena for a batch shape
    /// far beyond this machine), so that the caller can say so instead of the process ending.
    public convenience init?(ifAvailable count: Int) {
        guard let made = Self.obtain(count: count) else { return nil }
        self.init(count: count, raw: made.raw, mappedBytes: made.mappedBytes)
    }

    private init(count: Int, raw: UnsafeMutableRawPointer, mappedBytes: Int) {
        self.count = count
        self.mappedBytes = mappedBytes
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Zeroed memory for `count` floats, 64-byte aligned, and the length of its mapping (0 when
    /// it came from the allocator); nil when a mapping is refused.
    private static func obtain(count: Int) -> (raw: UnsafeMutableRawPointer, mappedBytes: Int)? {
        precondition(count >= 0, "FloatBuffer count must be non-negative")
        let (bytes, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        if overflow { return nil }
        if bytes >= mappingThreshold {
            let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let mapped, mapped != MAP_FAILED else { return nil }
            return (mapped, bytes)   // page-aligned, so 64-byte aligned
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
        return (raw, 0)
    }

    deinit {
        if mappedBytes > 0 {
            munmap(pointer, mappedBytes)
        } else {
            UnsafeMutableRawPointer(pointer).deallocate()
        }
    }

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
