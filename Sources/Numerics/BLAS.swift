import COpenBLAS

/// The only door to OpenBLAS. Row-major single-precision GEMM with transpose flags, so that
/// no operand is ever copied to change its layout.
///
///     // C (M, N) = A (M, K) · B (N, K)^T        (a Linear layer: y = x W^T)
///     BLAS.gemm(transA: false, transB: true, m: M, n: N, k: K,
///               a: x, lda: K, b: w, ldb: K, c: y, ldc: N)
public enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C`, row-major; `op(A)` is (M, K), `op(B)` is (K, N).
    /// Leading dimensions are row strides in floats, so strided views (one head of a fused QKV
    /// buffer, the [CLS] row of each sequence) need no copy.
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {  // OpenBLAS would leave C untouched; the math says beta·C.
            for row in 0..<m { for col in 0..<n { c[row * ldc + col] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// OpenBLAS's own thread count.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// We split work over the cores ourselves (`Parallel`), so OpenBLAS runs single-threaded in
    /// each caller: one thread pool instead of two fighting over two cores (OpenBLAS workers spin
    /// in `sched_yield` after each call), and each core can run an elementwise epilogue on the
    /// rows its GEMM just wrote, while they are still in cache. Called by every `Linear` and
    /// attention entry point; idempotent.
    /// The first call also warns, once, when OpenBLAS runs kernels below what the CPU supports
    /// (`BLASCoreSelection`), for programs that use the library without the executable's restart.
    public static func useCallerThreads() {
        _ = singleThreadSetup
        _ = BLASCoreSelection.warnIfBelowBest
    }

    private static let singleThreadSetup: Void = { openblas_set_num_threads(1) }()
}
