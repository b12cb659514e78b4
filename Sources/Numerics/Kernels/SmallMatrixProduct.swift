/// C = α · A · B for the small products of one attention head: A (m, k) and B (k, n) row-major
/// with row strides, everything in L1/L2. For these shapes (a head of 32 or 64
/// columns, T ≤ 512 rows) OpenBLAS spends as long packing both operands and zeroing C
/// (`sgemm_oncopy`, `sgemm_beta`) as multiplying: the context product P · V packs the whole
/// (T, T) P for 32 output columns. This kernel reads A and B where they lie.
///
/// Each element is one sequential fused multiply-add chain over k, scaled by α at the end, so the
/// result does not depend on which OpenBLAS core runs.
public enum SmallMatrixProduct {
    /// - c: (m, n), rows `ldc` apart, overwritten
    /// - a: (m, k), rows `lda` apart; with `transposeA`, A is stored as its transpose (k, m),
    ///   rows `lda` apart
    /// - b: (k, n), rows `ldb` apart
    public static func multiply(m: Int, n: Int, k: Int, alpha: Float = 1,
                                a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                                b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        // Element (i, p) of A lies at a[i · rowStep + p · depthStep].
        let rowStep = transposeA ? 1 : lda, depthStep = transposeA ? lda : 1
        var j = 0
        while j + 32 <= n {
            columns(SIMD32<Float>.self, j, m: m, k: k, alpha: alpha, a: a, rowStep: rowStep, depthStep: depthStep,
                    b: b, ldb: ldb, c: c, ldc: ldc)
            j += 32
        }
        while j + 8 <= n {
            columns(SIMD8<Float>.self, j, m: m, k: k, alpha: alpha, a: a, rowStep: rowStep, depthStep: depthStep,
                    b: b, ldb: ldb, c: c, ldc: ldc)
            j += 8
        }
        // The last n % 8 columns (dynamic padding gives any T), the same chain one lane wide.
        while j < n {
            for i in 0..<m {
                var sum: Float = 0
                for p in 0..<k { sum.addProduct(a[i * rowStep + p * depthStep], b[p * ldb + j]) }
                c[i * ldc + j] = sum * alpha
            }
            j += 1
        }
    }

    /// Columns j ..< j + V.scalarCount of C, two rows at a time: 2 · 4 accumulators of 8 lanes for
    /// SIMD32, plus one row of B and a broadcast, fit the 16 vector registers of AVX2.
    @inline(__always)
    private static func columns<V: SIMD>(_: V.Type, _ j: Int, m: Int, k: Int, alpha: Float,
                                         a: UnsafePointer<Float>, rowStep: Int, depthStep: Int,
                                         b: UnsafePointer<Float>, ldb: Int,
                                         c: UnsafeMutablePointer<Float>, ldc: Int) where V.Scalar == Float {
        let bColumns = UnsafeRawPointer(b + j)
        var i = 0
        while i + 2 <= m {
            let a0 = a + i * rowStep, a1 = a0 + rowStep
            var c0 = V(repeating: 0), c1 = V(repeating: 0)
            for p in 0..<k {
                let row = bColumns.loadUnaligned(fromByteOffset: p * ldb * 4, as: V.self)
                c0.addProduct(V(repeating: a0[p * depthStep]), row)
                c1.addProduct(V(repeating: a1[p * depthStep]), row)
            }
            store(c0 * alpha, to: c + i * ldc + j)
            store(c1 * alpha, to: c + (i + 1) * ldc + j)
            i += 2
        }
        if i < m {
            let a0 = a + i * rowStep
            var c0 = V(repeating: 0)
            for p in 0..<k {
                c0.addProduct(V(repeating: a0[p * depthStep]),
                              bColumns.loadUnaligned(fromByteOffset: p * ldb * 4, as: V.self))
            }
            store(c0 * alpha, to: c + i * ldc + j)
        }
    }

    @inline(__always)
    private static func store<V: SIMD>(_ v: V, to p: UnsafeMutablePointer<Float>) where V.Scalar == Float {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
}
