/// A region of an activation arena: a (rows, columns) matrix of floats starting at `offset`.
/// A vector (a row's mean, a key mask) is planned with one column.
public struct ArenaSlice: Equatable {
    public let offset: Int
    public let rows: Int
    public let columns: Int
    public var count: Int { rows * columns }
    public static let empty = ArenaSlice(offset: 0, rows: 0, columns: 0)
}

/// Plans an activation arena: hand out slices first, then allocate one `FloatBuffer` of
/// `totalCount` and resolve each slice against it, as a view with the slice's shape. Sized once
/// per batch shape (B, T), so no forward or backward pass allocates.
///
///     var plan = ArenaPlan()
///     let context = plan.take(B * T, C)
///     let arena = FloatBuffer(count: plan.totalCount)
///     let view = arena[context]          // MutableMatrixView (B·T, C)
public struct ArenaPlan {
    public private(set) var totalCount = 0
    public init() {}

    /// Reserves a (rows, columns) matrix, its size rounded up to 16 floats so every slice stays
    /// 64-byte aligned.
    public mutating func take(_ rows: Int, _ columns: Int = 1) -> ArenaSlice {
        let slice = ArenaSlice(offset: totalCount, rows: rows, columns: columns)
        totalCount += (slice.count + 15) / 16 * 16
        return slice
    }
}

extension FloatBuffer {
    /// `slice` of this arena as a (rows, columns) matrix.
    public subscript(slice: ArenaSlice) -> MutableMatrixView {
        precondition(slice.offset + slice.count <= count, "arena slice out of range")
        return MutableMatrixView(base: pointer + slice.offset, rows: slice.rows, columns: slice.columns)
    }

    /// `slice` of this arena as one vector of rows · columns values.
    public func vector(_ slice: ArenaSlice) -> MutableVectorView { self[slice].flat }

    /// `slice` as a (B, H, T, T) attention view; `slice` holds B · H · T · T values.
    public func attention(_ slice: ArenaSlice, batch B: Int, heads H: Int, length T: Int) -> AttentionView {
        precondition(slice.count == B * H * T * T, "an attention slice of \(slice.count) values is not (\(B), \(H), \(T), \(T))")
        return AttentionView(base: self[slice].base, batch: B, heads: H, length: T)
    }
}
