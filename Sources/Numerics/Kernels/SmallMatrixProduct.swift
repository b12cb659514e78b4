/// C = α · A · B for the small products of one attention head: A (m, k) and B (k, n) row-major
/// with row strides, everything in L1/L2. For these shapes (a head of 32 or 64
/// columns, T ≤ 512 rows) OpenBLAS spends as long packing both operands and zeroing C
/// (`sgemm_oncopy`, `sgemm_beta`) as multiplying: the context product P · V packs the whole
/// (T, T) P for 32 output columns. This kernel reads A and B where they lie.
///
/// Each element is one sequential chain of fused multiply-adds over k (`addingProduct`: one
/// rounding per step), scaled by α at the end, the same in every lane and tail, so the result does
/// not depend on which OpenBLAS core runs, nor on the build: on the default AVX2 target each step
/// is one `vfmadd231ps`, on a baseline x86-64 build libm's `fmaf`, exact and slower.
public enum SmallMatrixProduct {
    /// - c: (m, n), rows `ldc` apart, overwritten
    /// - a: (m, k), rows `lda` apart
    /// - b: (k, n), rows `ldb` apart
    public static func multiply(m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        var j = 0
        while j + 32 <= n {
            columns32(j, m: m, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
            j += 32
        }
        while j + 8 <= n {
            columns8(j, m: m, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
            j += 8
        }
        if j < n { narrowColumns(j, n: n, m: m, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc) }
    }

    /// The last n - j < 8 columns (dynamic padding gives any T): B's columns copied into a (k, 8)
    /// scratch beside zeros, the 8-lane tile run on it into an (m, 8) scratch, and n - j of its
    /// columns kept. Each element is the same chain as in the tiles. A scalar loop here was one
    /// fused multiply-add per four cycles (the chain's latency): at the T ≈ 20 of short texts
    /// its four or five columns cost more than the sixteen before them.
    private static func narrowColumns(_ j: Int, n: Int, m: Int, k: Int, alpha: Float,
                                      a: UnsafePointer<Float>, lda: Int,
                                      b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let width = n - j
        withUnsafeTemporaryAllocation(of: Float.self, capacity: (k + m) * 8) { scratch in
            let columns = scratch.baseAddress!, tile = columns + k * 8
            for p in 0..<k {
                let row = columns + p * 8
                row.update(repeating: 0, count: 8)
                row.update(from: b + p * ldb + j, count: width)
            }
            columns8(0, m: m, k: k, alpha: alpha, a: a, lda: lda, b: columns, ldb: 8, c: tile, ldc: 8)
            for i in 0..<m { (c + i * ldc + j).update(from: tile + i * 8, count: width) }
        }
    }

    // The tiles are written with concrete SIMD8 values and `addingProduct`, which Swift 6.3
    // compiles to one fused multiply-add per call (`vfmadd231ps` for `-target-cpu haswell`); SIMD's
    // mutating `addProduct` and the operators of a generic `SIMD` compile lane by lane through the
    // stack (perf once showed scalar vfmadd231ss on spilled lanes, 40x slower than OpenBLAS). A
    // fused step instead of a multiply and an add halves the vector instructions of the inner
    // loop: with separate ones (16 per k-step of a 2x32 tile, plus six loads and the index
    // arithmetic) Zen 4 ran this kernel at about half its FMA rate, bound by dispatch, not by the
    // arithmetic. B's rows are reached by a running pointer, not p · ldb, which carried an
    // overflow check into the loop.

    /// Columns j ..< j + 32 of C, two rows at a time: 2 · 4 accumulators, four of B's lanes and a
    /// broadcast fit AVX2's 16 vector registers, and eight independent chains cover the FMA's
    /// latency (4 cycles, 2 per cycle on Zen 4).
    @inline(__always)
    private static func columns32(_ j: Int, m: Int, k: Int, alpha: Float,
                                  a: UnsafePointer<Float>, lda: Int,
                                  b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let scale = SIMD8<Float>(repeating: alpha)
        var i = 0
        while i + 2 <= m {
            let a0 = a + i * lda, a1 = a0 + lda
            var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c02 = SIMD8<Float>(), c03 = SIMD8<Float>()
            var c10 = SIMD8<Float>(), c11 = SIMD8<Float>(), c12 = SIMD8<Float>(), c13 = SIMD8<Float>()
            var row = UnsafeRawPointer(b + j)
            for p in 0..<k {
                let b0 = row.loadUnaligned(as: SIMD8<Float>.self)
                let b1 = row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                let b2 = row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
                let b3 = row.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
                let x0 = SIMD8<Float>(repeating: a0[p])
                c00 = c00.addingProduct(x0, b0); c01 = c01.addingProduct(x0, b1)
                c02 = c02.addingProduct(x0, b2); c03 = c03.addingProduct(x0, b3)
                let x1 = SIMD8<Float>(repeating: a1[p])
                c10 = c10.addingProduct(x1, b0); c11 = c11.addingProduct(x1, b1)
                c12 = c12.addingProduct(x1, b2); c13 = c13.addingProduct(x1, b3)
                row += ldb &* 4
            }
            store(c + i * ldc + j, c00 * scale, c01 * scale, c02 * scale, c03 * scale)
            store(c + (i + 1) * ldc + j, c10 * scale, c11 * scale, c12 * scale, c13 * scale)
            i += 2
        }
        if i < m {
            let a0 = a + i * lda
            var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c02 = SIMD8<Float>(), c03 = SIMD8<Float>()
            var row = UnsafeRawPointer(b + j)
            for p in 0..<k {
                let x0 = SIMD8<Float>(repeating: a0[p])
                c00 = c00.addingProduct(x0, row.loadUnaligned(as: SIMD8<Float>.self))
                c01 = c01.addingProduct(x0, row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
                c02 = c02.addingProduct(x0, row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self))
                c03 = c03.addingProduct(x0, row.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self))
                row += ldb &* 4
            }
            store(c + i * ldc + j, c00 * scale, c01 * scale, c02 * scale, c03 * scale)
        }
    }

    /// Columns j ..< j + 8 of C, four rows at a time.
    @inline(__always)
    private static func columns8(_ j: Int, m: Int, k: Int, alpha: Float,
                                 a: UnsafePointer<Float>, lda: Int,
                                 b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let scale = SIMD8<Float>(repeating: alpha)
        var i = 0
        while i + 4 <= m {
            let a0 = a + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
            var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
            var bRow = UnsafeRawPointer(b + j)
            for p in 0..<k {
                let row = bRow.loadUnaligned(as: SIMD8<Float>.self)
                c0 = c0.addingProduct(SIMD8<Float>(repeating: a0[p]), row)
                c1 = c1.addingProduct(SIMD8<Float>(repeating: a1[p]), row)
                c2 = c2.addingProduct(SIMD8<Float>(repeating: a2[p]), row)
                c3 = c3.addingProduct(SIMD8<Float>(repeating: a3[p]), row)
                bRow += ldb &* 4
            }
            store(c + i * ldc + j, c0 * scale)
            store(c + (i + 1) * ldc + j, c1 * scale)
            store(c + (i + 2) * ldc + j, c2 * scale)
            store(c + (i + 3) * ldc + j, c3 * scale)
            i += 4
        }
        while i < m {
            let a0 = a + i * lda
            var c0 = SIMD8<Float>()
            var bRow = UnsafeRawPointer(b + j)
            for p in 0..<k {
                c0 = c0.addingProduct(SIMD8<Float>(repeating: a0[p]), bRow.loadUnaligned(as: SIMD8<Float>.self))
                bRow += ldb &* 4
            }
            store(c + i * ldc + j, c0 * scale)
            i += 1
        }
    }

    /// Eight floats at p (unaligned).
    @inline(__always)
    private static func store(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Thirty-two floats at p.
    @inline(__always)
    private static func store(_ p: UnsafeMutablePointer<Float>, _ v0: SIMD8<Float>, _ v1: SIMD8<Float>,
                              _ v2: SIMD8<Float>, _ v3: SIMD8<Float>) {
        store(p, v0); store(p + 8, v1); store(p + 16, v2); store(p + 24, v3)
    }
}
