/// Small whole-buffer operations used between layers and by the optimizer.
public enum VectorOps {
    /// out = a + b. - out, a, b: (N); out may alias a or b.
    public static func add(out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                           count: Int) {
        Parallel.forRanges(count, work: 1) { range in
            for i in range { out[i] = a[i] + b[i] }
        }
    }

    /// x += y. - x, y: (N)
    public static func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        Parallel.forRanges(count, work: 1) { range in
            for i in range { x[i] += y[i] }
        }
    }

    /// x *= factor. - x: (N)
    public static func scale(_ x: UnsafeMutablePointer<Float>, by factor: Float, count: Int) {
        Parallel.forRanges(count, work: 1) { range in
            for i in range { x[i] *= factor }
        }
    }

    /// Σ x², accumulated in Float64 so a norm over millions of values keeps its digits.
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
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

    /// Whether every value is finite.
    public static func allFinite(_ x: UnsafePointer<Float>, count: Int) -> Bool {
        for i in 0..<count where !x[i].isFinite { return false }
        return true
    }
}
