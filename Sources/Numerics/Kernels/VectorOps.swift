/// Small whole-buffer operations used between layers and by the optimizer.
public enum VectorOps {
    /// x += y. - x, y: (N)
    public static func addInPlace(_ x: MutableVectorView, _ y: VectorView) {
        assert(x.count == y.count, "addInPlace: \(x.count) and \(y.count) values")
        let count = y.count, x = x.base, y = y.base
        Parallel.forRanges(count, work: 1) { range in
            for i in range { x[i] += y[i] }
        }
    }

    /// x *= factor. - x: (N)
    public static func scale(_ x: MutableVectorView, by factor: Float) {
        let count = x.count, x = x.base
        Parallel.forRanges(count, work: 1) { range in
            for i in range { x[i] *= factor }
        }
    }

    /// Σ x², accumulated in Float64 so a norm over millions of values keeps its digits.
    public static func sumOfSquares(_ x: VectorView) -> Double {
        let count = x.count, x = x.base
        let parts = Parallel.partCount(count, work: 1)
        var partial = [Double](repeating: 0, count: parts)
        partial.withUnsafeMutableBufferPointer { out in
            let results = out.baseAddress!
            Parallel.forParts(count, parts: parts) { part, range in
                var acc: Double = 0
                var chunk: Float = 0
                var n = 0
                for i in range {
                    chunk += x[i] * x[i]
                    n += 1
                    if n == 1024 { acc += Double(chunk); chunk = 0; n = 0 }
                }
                results[part] = acc + Double(chunk)
            }
        }
        return partial.reduce(0, +)
    }
}
