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

    /// Σ x², accumulated in Float64 so a norm over millions of values keeps its digits: each
    /// block of 1024 values is summed in Float by four SIMD8 accumulators, combined lane by lane
    /// (eight sums of 128 squares, each at most 34 float roundings deep), then added in Float64. One
    /// sequential Float chain per block, as before, ran at the add's latency, three cycles per
    /// value: 1.7% of a training epoch on short texts, more than AdamW's whole pass of its size.
    public static func sumOfSquares(_ x: VectorView) -> Double {
        let count = x.count, x = x.base
        let parts = Parallel.partCount(count, work: 1)
        var partial = [Double](repeating: 0, count: parts)
        partial.withUnsafeMutableBufferPointer { out in
            let results = out.baseAddress!
            Parallel.forParts(count, parts: parts) { part, range in
                var acc: Double = 0
                var i = range.lowerBound
                while i + 1024 <= range.upperBound {
                    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
                    var block = UnsafeRawPointer(x + i)
                    for _ in 0..<32 {
                        let v0 = block.loadUnaligned(as: SIMD8<Float>.self)
                        let v1 = block.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                        let v2 = block.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                        let v3 = block.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
                        c0 += v0 * v0; c1 += v1 * v1; c2 += v2 * v2; c3 += v3 * v3
                        block += 128
                    }
                    let lanes = (c0 + c1) + (c2 + c3)
                    for lane in 0..<8 { acc += Double(lanes[lane]) }
                    i += 1024
                }
                var tail: Float = 0
                while i < range.upperBound { tail += x[i] * x[i]; i += 1 }
                results[part] = acc + Double(tail)
            }
        }
        return partial.reduce(0, +)
    }
}
