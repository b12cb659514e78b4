/// Typed views of Float memory owned by a `FloatBuffer` (parameters, gradients, an arena) or an
/// array: what the kernels and the layers pass instead of raw pointers, with their shapes.
///
///     let qkv = arena[a.qkv]                          // (B·T, 3C)
///     let keys = qkv.columns(C..<2 * C)                // (B·T, C), rows 3C apart: no copy
///     let cls = hidden.strided(every: T)               // (B, C): row 0 of each sequence
///
/// A view does not own its memory: it is valid while its owner lives (as a pointer is). Shapes
/// are checked with `assert`, so a debug build stops at a mismatch and a release build pays
/// nothing: a view is a pointer and three integers, and every member is inlinable.

/// A read-only (rows, columns) matrix, row-major, rows `rowStride` floats apart.
@frozen
public struct MatrixView {
    public let base: UnsafePointer<Float>
    public let rows: Int
    public let columns: Int
    public let rowStride: Int

    /// - rowStride: the distance between rows in floats; `columns` (contiguous) when nil
    @inlinable
    public init(base: UnsafePointer<Float>, rows: Int, columns: Int, rowStride: Int? = nil) {
        assert(rows >= 0 && columns >= 0 && (rowStride ?? columns) >= columns, "bad matrix shape")
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride ?? columns
    }

    /// rows · columns
    @inlinable public var count: Int { rows * columns }
    /// Whether the rows follow each other with no gap (a plain (rows, columns) block).
    @inlinable public var isContiguous: Bool { rowStride == columns || rows <= 1 }

    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        assert(row >= 0 && row < rows && column >= 0 && column < columns, "matrix index out of range")
        return base[row * rowStride + column]
    }

    /// Whether `other` has this shape and both are contiguous: what an elementwise kernel,
    /// which walks both as flat vectors, needs.
    @inlinable
    public func isContiguous(like other: MatrixView) -> Bool {
        rows == other.rows && columns == other.columns && isContiguous && other.isContiguous
    }

    /// Rows `range`, same columns and stride.
    @inlinable
    public func rows(_ range: Range<Int>) -> MatrixView {
        assert(range.lowerBound >= 0 && range.upperBound <= rows, "rows out of range")
        return MatrixView(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns,
                          rowStride: rowStride)
    }

    /// Columns `range` of every row (one head of a (B·T, 3C) QKV buffer), same stride.
    @inlinable
    public func columns(_ range: Range<Int>) -> MatrixView {
        assert(range.lowerBound >= 0 && range.upperBound <= columns, "columns out of range")
        return MatrixView(base: base + range.lowerBound, rows: rows, columns: range.count, rowStride: rowStride)
    }

    /// Every `step`-th row, starting with row 0: the [CLS] rows (B, C) of a (B·T, C) hidden state.
    @inlinable
    public func strided(every step: Int) -> MatrixView {
        assert(step > 0 && rows % step == 0, "rows not a multiple of the step")
        return MatrixView(base: base, rows: rows / step, columns: columns, rowStride: rowStride * step)
    }

    /// The values as one vector (contiguous views only).
    @inlinable
    public var flat: VectorView {
        assert(isContiguous, "a strided matrix is not one vector")
        return VectorView(base: base, count: count)
    }

    /// Row `row` as a vector.
    @inlinable
    public func row(_ row: Int) -> VectorView {
        assert(row >= 0 && row < rows, "row out of range")
        return VectorView(base: base + row * rowStride, count: columns)
    }

    /// The values, row by row, copied out.
    public var array: [Float] {
        if isContiguous { return Array(UnsafeBufferPointer(start: base, count: count)) }
        var values: [Float] = []
        values.reserveCapacity(count)
        for r in 0..<rows { values.append(contentsOf: UnsafeBufferPointer(start: base + r * rowStride, count: columns)) }
        return values
    }
}

/// A writable (rows, columns) matrix; see `MatrixView`.
@frozen
public struct MutableMatrixView {
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let columns: Int
    public let rowStride: Int

    @inlinable
    public init(base: UnsafeMutablePointer<Float>, rows: Int, columns: Int, rowStride: Int? = nil) {
        assert(rows >= 0 && columns >= 0 && (rowStride ?? columns) >= columns, "bad matrix shape")
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride ?? columns
    }

    @inlinable public var readOnly: MatrixView {
        MatrixView(base: base, rows: rows, columns: columns, rowStride: rowStride)
    }
    @inlinable public var count: Int { rows * columns }
    @inlinable public var isContiguous: Bool { rowStride == columns || rows <= 1 }

    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        get { readOnly[row, column] }
        nonmutating set {
            assert(row >= 0 && row < rows && column >= 0 && column < columns, "matrix index out of range")
            base[row * rowStride + column] = newValue
        }
    }

    // Slices are the read-only view's, given back writable (the same memory).

    @inlinable
    public func rows(_ range: Range<Int>) -> MutableMatrixView { MutableMatrixView(mutating: readOnly.rows(range)) }

    @inlinable
    public func columns(_ range: Range<Int>) -> MutableMatrixView { MutableMatrixView(mutating: readOnly.columns(range)) }

    @inlinable
    public func strided(every step: Int) -> MutableMatrixView { MutableMatrixView(mutating: readOnly.strided(every: step)) }

    @inlinable
    public var flat: MutableVectorView { MutableVectorView(mutating: readOnly.flat) }

    @inlinable
    public func row(_ row: Int) -> MutableVectorView { MutableVectorView(mutating: readOnly.row(row)) }

    /// A slice of this view, writable again.
    @inlinable
    init(mutating view: MatrixView) {
        self.init(base: UnsafeMutablePointer(mutating: view.base), rows: view.rows, columns: view.columns,
                  rowStride: view.rowStride)
    }

    public var array: [Float] { readOnly.array }

    /// Sets every value to `value`.
    public func fill(_ value: Float) {
        for r in 0..<rows { (base + r * rowStride).update(repeating: value, count: columns) }
    }

    /// Copies `source` (same shape) in, row by row.
    public func copy(from source: MatrixView) {
        assert(source.rows == rows && source.columns == columns, "copy between different shapes")
        for r in 0..<rows { (base + r * rowStride).update(from: source.base + r * source.rowStride, count: columns) }
    }
}

/// A read-only vector of `count` contiguous floats: a bias, a LayerNorm's per-row means, a mask.
@frozen
public struct VectorView {
    public let base: UnsafePointer<Float>
    public let count: Int

    @inlinable
    public init(base: UnsafePointer<Float>, count: Int) {
        assert(count >= 0, "negative count")
        self.base = base
        self.count = count
    }

    @inlinable
    public subscript(index: Int) -> Float {
        assert(index >= 0 && index < count, "vector index out of range")
        return base[index]
    }

    /// Elements `range`.
    @inlinable
    public func slice(_ range: Range<Int>) -> VectorView {
        assert(range.lowerBound >= 0 && range.upperBound <= count, "slice out of range")
        return VectorView(base: base + range.lowerBound, count: range.count)
    }

    /// The same values as a (rows, columns) matrix, rows · columns = count.
    @inlinable
    public func matrix(rows: Int, columns: Int) -> MatrixView {
        assert(rows * columns == count, "reshape to a different count")
        return MatrixView(base: base, rows: rows, columns: columns)
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// A writable vector; see `VectorView`.
@frozen
public struct MutableVectorView {
    public let base: UnsafeMutablePointer<Float>
    public let count: Int

    @inlinable
    public init(base: UnsafeMutablePointer<Float>, count: Int) {
        assert(count >= 0, "negative count")
        self.base = base
        self.count = count
    }

    @inlinable public var readOnly: VectorView { VectorView(base: base, count: count) }

    @inlinable
    public subscript(index: Int) -> Float {
        get { readOnly[index] }
        nonmutating set {
            assert(index >= 0 && index < count, "vector index out of range")
            base[index] = newValue
        }
    }

    @inlinable
    public func slice(_ range: Range<Int>) -> MutableVectorView { MutableVectorView(mutating: readOnly.slice(range)) }

    @inlinable
    public func matrix(rows: Int, columns: Int) -> MutableMatrixView {
        MutableMatrixView(mutating: readOnly.matrix(rows: rows, columns: columns))
    }

    /// A slice of this view, writable again.
    @inlinable
    init(mutating view: VectorView) { self.init(base: UnsafeMutablePointer(mutating: view.base), count: view.count) }

    public var array: [Float] { readOnly.array }

    public func fill(_ value: Float) { base.update(repeating: value, count: count) }

    /// Copies `source` (the same count) in.
    public func copy(from source: VectorView) {
        assert(source.count == count, "copy between different counts")
        base.update(from: source.base, count: count)
    }

    /// Copies `values` (the same count) in.
    public func copy(from values: [Float]) {
        precondition(values.count == count, "copy of \(values.count) values into \(count)")
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: count) }
    }
}

/// Attention probabilities or their dropout mask, (B, H, T, T): one (T, T) matrix per sequence
/// and head, row i the weights of query i over the keys.
@frozen
public struct AttentionView {
    public let base: UnsafeMutablePointer<Float>
    public let batch: Int
    public let heads: Int
    public let length: Int

    @inlinable
    public init(base: UnsafeMutablePointer<Float>, batch B: Int, heads H: Int, length T: Int) {
        assert(B >= 0 && H >= 0 && T >= 0, "bad attention shape")
        self.base = base
        batch = B
        heads = H
        self.length = T
    }

    /// B · H · T · T
    @inlinable public var count: Int { batch * heads * length * length }

    /// (T, T) of sequence `b`, head `h`.
    @inlinable
    public func matrix(_ b: Int, _ h: Int) -> MutableMatrixView {
        assert(b >= 0 && b < batch && h >= 0 && h < heads, "head out of range")
        return MutableMatrixView(base: base + (b * heads + h) * length * length, rows: length, columns: length)
    }

    /// All B · H · T · T values.
    @inlinable public var flat: MutableVectorView { MutableVectorView(base: base, count: count) }
}

extension Array where Element == Float {
    /// Calls `body` with the array's values as a read-only (rows, columns) matrix.
    public func withMatrixView<R>(rows: Int, columns: Int, _ body: (MatrixView) throws -> R) rethrows -> R {
        precondition(rows * columns == count, "\(count) values are not \(rows) x \(columns)")
        return try withVectorView { try body($0.matrix(rows: rows, columns: columns)) }
    }

    /// Calls `body` with the array's values as a writable (rows, columns) matrix.
    public mutating func withMutableMatrixView<R>(rows: Int, columns: Int,
                                                  _ body: (MutableMatrixView) throws -> R) rethrows -> R {
        precondition(rows * columns == count, "\(count) values are not \(rows) x \(columns)")
        return try withMutableVectorView { try body($0.matrix(rows: rows, columns: columns)) }
    }

    /// Calls `body` with the array as a read-only vector.
    public func withVectorView<R>(_ body: (VectorView) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { buffer in
            // An empty array may have no storage; a view of nothing still needs a base.
            guard let base = buffer.baseAddress else {
                return try withUnsafeTemporaryAllocation(of: Float.self, capacity: 1) {
                    try body(VectorView(base: UnsafePointer($0.baseAddress!), count: 0))
                }
            }
            return try body(VectorView(base: base, count: buffer.count))
        }
    }

    /// Calls `body` with the array as a writable vector.
    public mutating func withMutableVectorView<R>(_ body: (MutableVectorView) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                return try withUnsafeTemporaryAllocation(of: Float.self, capacity: 1) {
                    try body(MutableVectorView(base: $0.baseAddress!, count: 0))
                }
            }
            return try body(MutableVectorView(base: base, count: buffer.count))
        }
    }
}

extension FloatBuffer {
    /// All values as one vector.
    public var vector: MutableVectorView { MutableVectorView(base: pointer, count: count) }

    /// Values `[offset, offset + count)`.
    public func vector(offset: Int, count: Int) -> MutableVectorView {
        precondition(offset >= 0 && count >= 0 && offset + count <= self.count, "view out of range")
        return MutableVectorView(base: pointer + offset, count: count)
    }

    /// `rows · columns` values from `offset` as a contiguous matrix.
    public func matrix(offset: Int, rows: Int, columns: Int) -> MutableMatrixView {
        precondition(offset >= 0 && rows >= 0 && columns >= 0 && offset + rows * columns <= count, "view out of range")
        return MutableMatrixView(base: pointer + offset, rows: rows, columns: columns)
    }
}

// Vectors are collections of their values: `Array(view)`, `view.indices`, `for x in view`.
extension VectorView: RandomAccessCollection {
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }
}

extension MutableVectorView: RandomAccessCollection, MutableCollection {
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { count }
}
