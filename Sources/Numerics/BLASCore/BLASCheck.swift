import Foundation

/// Start-up checks of the BLAS in use: that sgemm is right, and how fast it is.
public enum BLASCheck {
    private static let measuring = NSLock()

    /// Whether sgemm on this core agrees with a plain Double reference, for the three operand
    /// layouts the network uses (NN, NT, TN). Some OpenBLAS builds compute wrong results on some
    /// CPUs (the reason `OPENBLAS_CORETYPE` is pinned on a few machines): wrong kernels are off by
    /// the size of the values, right ones by rounding.
    ///
    /// Shapes: (61, 47) with K = 389, odd and past one K-block of the common kernels (256-384), so
    /// the edge and blocking code both run; about 3 ms in all.
    ///
    /// Tolerance: a dot product of length K in Float32, summed in any order (FMA or not), errs by
    /// at most γ_K · Σ|a_k b_k| with γ_K = K·u / (1 − K·u), u = 2^-24 (Higham, "Accuracy and
    /// Stability of Numerical Algorithms", 2nd ed., §3.1 and §3.5). The check allows twice that.
    public static func gemmAgreesWithReference() -> Bool {
        let M = 61, N = 47, K = 389
        var generator = SeededGenerator(seed: 12)
        let a = (0..<(M * K)).map { _ in Float(generator.nextDouble() * 2 - 1) }
        let b = (0..<(K * N)).map { _ in Float(generator.nextDouble() * 2 - 1) }
        let u = 1.0 / Double(1 << 24)
        let gamma = Double(K) * u / (1 - Double(K) * u)
        let previousThreads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = previousThreads }

        // op(A)(i, k) and op(B)(k, j) read from `a` and `b` stored for each layout.
        for (transA, transB) in [(false, false), (false, true), (true, false)] {
            var c = [Float](repeating: .nan, count: M * N)
            let lda = transA ? M : K, ldb = transB ? K : N
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.gemm(transA: transA, transB: transB, m: M, n: N, k: K, a: a.baseAddress!, lda: lda,
                                  b: b.baseAddress!, ldb: ldb, c: c.baseAddress!, ldc: N)
                    }
                }
            }
            for i in 0..<M {
                for j in 0..<N {
                    var exact = 0.0, magnitude = 0.0
                    for k in 0..<K {
                        let x = Double(transA ? a[k * lda + i] : a[i * lda + k])
                        let y = Double(transB ? b[j * ldb + k] : b[k * ldb + j])
                        exact += x * y
                        magnitude += abs(x * y)
                    }
                    let got = Double(c[i * N + j])
                    if !(abs(got - exact) <= 2 * gamma * magnitude) { return false }
                }
            }
        }
        return true
    }

    /// One sgemm shape, C (M, N) = A (M, K) · B (N, K)^T: a Linear layer's forward.
    public struct Shape: Hashable, Sendable, CustomStringConvertible {
        public var m: Int, n: Int, k: Int
        public init(m: Int, n: Int, k: Int) { (self.m, self.n, self.k) = (m, n, k) }
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
        public var description: String { "\(m)x\(n)x\(k)" }
    }

    /// The sgemm rate on each shape, GFLOP/s, with OpenBLAS running `threads` threads: the best of
    /// repeated calls over at least `seconds` per shape, after one untimed warm-up call (the best,
    /// because on a shared machine every other figure measures the neighbours too).
    /// Measurements are serialised, and the thread count is touched only when it differs (a
    /// measurement at the callers' one thread leaves a concurrently running GEMM alone).
    public static func gflops(shapes: [Shape], threads: Int, seconds: Double) -> [(shape: Shape, gflops: Double)] {
        measuring.lock()
        defer { measuring.unlock() }
        let previousThreads = BLAS.threads
        if previousThreads != threads { BLAS.threads = threads }
        defer { if previousThreads != threads { BLAS.threads = previousThreads } }
        return shapes.map { shape in
            let a = FloatBuffer(count: shape.m * shape.k), b = FloatBuffer(count: shape.n * shape.k)
            let c = FloatBuffer(count: shape.m * shape.n)
            var generator = SeededGenerator(seed: 3)
            for i in 0..<a.count { a.pointer[i] = Float(generator.nextDouble() - 0.5) }
            for i in 0..<b.count { b.pointer[i] = Float(generator.nextDouble() - 0.5) }
            func call() {
                BLAS.gemm(transA: false, transB: true, m: shape.m, n: shape.n, k: shape.k, a: a.pointer, lda: shape.k,
                          b: b.pointer, ldb: shape.k, c: c.pointer, ldc: shape.n)
            }
            call()
            var best = Double.infinity, spent = 0.0, calls = 0
            while spent < seconds || calls < 3 {
                let start = DispatchTime.now().uptimeNanoseconds
                call()
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                best = min(best, elapsed)
                spent += elapsed
                calls += 1
            }
            return (shape, shape.flops / best / 1e9)
        }
    }
}
