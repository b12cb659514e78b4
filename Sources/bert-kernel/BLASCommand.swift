import ArgumentParser
import Foundation
import Numerics

/// `bert-kernel blas`: what OpenBLAS runs on this machine, and why (docs/troubleshooting.md).
struct BLASCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blas",
        abstract: "Show the CPU, the OpenBLAS core in use and how it was chosen, and its sgemm rate.")

    @Flag(help: "Print only the OpenBLAS cores the test suite runs under on this machine, one per line: the one in use, an AVX2 core (Haswell) and Prescott, each that this CPU executes and this OpenBLAS offers (`make test` uses it).")
    var coresToTest = false

    func run() throws {
        let status = BLASCoreStatus.current
        if coresToTest {
            print(BLASCoreChoice.coresToTest(running: status.core, features: status.cpu,
                                             offered: BLASCoreStatus.buildOffers).joined(separator: "\n"))
            return
        }
        let offered = BLASCoreChoice.candidates(for: status.cpu).filter(BLASCoreStatus.buildOffers)
        let shape = BLASCheck.Shape(m: 2048, n: 1536, k: 384)
        let one = BLASCheck.gflops(shapes: [shape], threads: 1, seconds: 0.2)[0].gflops
        let all = BLASCheck.gflops(shapes: [shape], threads: Parallel.workers, seconds: 0.2)[0].gflops
        print("""
            CPU:          \(status.cpu.summary)
            OpenBLAS:     \(status.configuration)
            core in use:  \(status.summary)
            cores this CPU runs, best first, that this OpenBLAS has: \(offered.joined(separator: ", "))
            sgemm check:  \(BLASCheck.gemmAgreesWithReference() ? "agrees with the reference" : "WRONG RESULTS")
            sgemm \(shape): \(String(format: "%.0f", one)) GFLOP/s on 1 thread, \(String(format: "%.0f", all)) on \(Parallel.workers)
            To force a core: OPENBLAS_CORETYPE=Haswell (names as above; bert-kernel never overrides your setting).
            """)
    }
}
