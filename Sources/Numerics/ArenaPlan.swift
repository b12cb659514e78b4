/// A region of an activation arena: `count` floats starting at `offset`.
public struct ArenaSlice: Equatable {
    public let offset: Int
    public let count: Int
    public static let empty = ArenaSlice(offset: 0, count: 0)
}

/// Plans an activation arena: hand out slices first, then allocate one `FloatBuffer` of
/// `totalCount` and resolve each slice against it. Sized once per batch shape (B, T), so no
/// forward or backward pass allocates.
///
///     var plan = ArenaPlan()
///     let scores = plan.take(B * H * T * T)
///     let arena = FloatBuffer(count: plan.totalCount)
///     let p = arena[scores]
public struct ArenaPlan {
    public private(set) var totalCount = 0
    public init() {}

    /// Reserves `count` floats, rounded up to 16 so every slice stays 64-byte aligned.
    public mutating func take(_ count: Int) -> ArenaSlice {
        let slice = ArenaSlice(offset: totalCount, count: count)
        totalCount += (count + 15) / 16 * 16
        return slice
    }
}

extension FloatBuffer {
    /// The start of `slice` in this buffer.
    public subscript(slice: ArenaSlice) -> UnsafeMutablePointer<Float> {
        precondition(slice.offset + slice.count <= count, "arena slice out of range")
        return pointer + slice.offset
    }
}
