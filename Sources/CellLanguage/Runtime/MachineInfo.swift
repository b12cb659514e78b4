import Display
import Foundation
import Numerics

/// `info()`'s last section: the processor, the OpenBLAS core in use and how it was chosen, the
/// threads, and the sgemm rate measured on this machine (issue 12: a user on a CPU that OpenBLAS
/// misdetects should see it in the notebook, not only in a benchmark).
enum MachineInfo {
    /// One encoder Linear of MiniLM at batch 32, T = 64 (2048 tokens): a shape the model runs.
    static let shape = BLASCheck.Shape(m: 2048, n: 1536, k: 384)

    /// Measured at the first `info()` (about 0.1 s) and kept: the core cannot change while the
    /// process runs.
    private static let measuredGFLOPs: Double = {
        BLASCheck.gflops(shapes: [shape], threads: Parallel.workers, seconds: 0.1)[0].gflops
    }()

    static var section: InfoSection {
        let status = BLASCoreStatus.current
        let rate = measuredGFLOPs
        return InfoSection(
            title: "Machine",
            rows: [("cpu", status.cpu.summary), ("blas", status.configuration), ("blas core", status.summary),
                   ("threads", "\(Parallel.workers)"),
                   ("sgemm", String(format: "%.0f GFLOP/s (%@, %d threads)", rate, shape.description, Parallel.workers))],
            json: ["cpu": .string(status.cpu.summary), "blas": .string(status.configuration),
                   "blas_core": .string(status.core), "blas_core_origin": .string(status.summary),
                   "threads": .int(Parallel.workers), "sgemm_gflops": .double(rate)])
    }
}
