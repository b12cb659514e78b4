import Bert
import Display
import Foundation
import Numerics

/// The machine a bench run measures (issue 12): the CPU, the OpenBLAS core in use and how it was
/// chosen, the thread counts, and the sgemm peak on the model's own shapes, measured in the same
/// run. The model sections divide by that peak; a constant measured once on one machine was wrong
/// on every other (205 GFLOP/s on an EPYC, against about 300 on a Xeon with AVX-512).
final class BenchMachine {
    let blas = BLASCoreStatus.current
    /// Threads on our side: `Parallel`'s workers, each calling single-threaded OpenBLAS.
    let threads = Parallel.workers
    private var rates: [BLASCheck.Shape: Double] = [:]

    /// The forward GEMMs of one encoder layer at `rows` = B·T tokens, C (rows, N) = X (rows, K) · W^T:
    /// the fused QKV projection, the attention output, the intermediate and the output dense.
    static func modelShapes(_ config: BertConfig, rows: Int) -> [BLASCheck.Shape] {
        let C = config.hiddenSize, I = config.intermediateSize
        return [.init(m: rows, n: 3 * C, k: C), .init(m: rows, n: C, k: C), .init(m: rows, n: I, k: C),
                .init(m: rows, n: C, k: I)]
    }

    /// sgemm GFLOP/s per shape with OpenBLAS on `threads` threads, each measured once per run.
    func sgemmRates(_ shapes: [BLASCheck.Shape]) -> [(shape: BLASCheck.Shape, gflops: Double)] {
        let missing = shapes.filter { rates[$0] == nil }
        for (shape, gflops) in BLASCheck.gflops(shapes: missing, threads: threads, seconds: 0.3) { rates[shape] = gflops }
        return shapes.map { ($0, rates[$0]!) }
    }

    /// The best rate over the shapes: the peak the model's GEMMs can reach on this machine.
    func sgemmPeak(_ shapes: [BLASCheck.Shape]) -> Double { sgemmRates(shapes).map(\.gflops).max() ?? .nan }

    var description: String {
        "CPU: \(blas.cpu.summary); BLAS: \(blas.configuration), core \(blas.summary); ours: \(threads) threads"
    }
}

/// `bench --only machine`: the facts above as rows, so that every report names its machine.
struct MachineBenchSection: BenchSection {
    var name: String { "machine" }
    var batchSize = 32
    var sequenceLength = 128

    func run(_ environment: BenchEnvironment) throws -> [BenchMeasurement] {
        let config = try BertConfig(contentsOf: ModelLocator().locate(environment.model).appendingPathComponent("config.json"))
        let machine = environment.machine
        let shapes = BenchMachine.modelShapes(config, rows: batchSize * sequenceLength)
        var rows = machine.sgemmRates(shapes).map {
            BenchMeasurement(name: "sgemm \($0.shape), \(machine.threads) threads", unit: "GFLOP/s", value: $0.gflops,
                             reference: nil, target: nil, higherIsBetter: true)
        }
        rows[0].note = machine.description
        rows[0].extra = ["cpu": .string(machine.blas.cpu.summary), "blas_core": .string(machine.blas.core),
                         "blas_core_origin": .string(machine.blas.summary),
                         "blas_configuration": .string(machine.blas.configuration), "threads": .int(machine.threads)]
        rows.append(BenchMeasurement(name: "sgemm peak on the model's shapes", unit: "GFLOP/s",
                                     value: machine.sgemmPeak(shapes), reference: nil, target: nil, higherIsBetter: true))
        return rows
    }
}
