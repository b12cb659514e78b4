import Foundation
import Numerics
import XCTest
@testable import Bert

/// Data-parallel training (issue 20) without MPI: R ranks as R threads, each with its own copy of
/// the network, summing through an in-process `ProcessGroup`. They must end bit for bit equal to
/// each other and within 1e-5 of one process with the same global batch.
final class DataParallelTests: XCTestCase {
    /// `count` examples of varied lengths over the tiny vocabulary, labels 0..<3.
    private func examples(count: Int) -> [EncodedExample] {
        var generator = SeededGenerator(seed: 11)
        return (0..<count).map { i in
            let length = 3 + generator.nextInt(below: 9)
            let ids = [2] + (0..<(length - 2)).map { _ in Int32(5 + generator.nextInt(below: 110)) } + [3]
            return EncodedExample(ids: ids, typeIds: [Int32](repeating: 0, count: length), label: i % 3)
        }
    }

    /// The tiny classifier with dropout off: a rank draws its dropout masks over its own share of
    /// a batch, one process over the whole batch, so with dropout the runs would differ by design.
    private func network() throws -> BertNetwork {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        try network.updateConfig { config in
            config.hiddenDropoutProb = 0
            config.attentionProbsDropoutProb = 0
        }
        return network
    }

    /// (P) weights after `options` on one process, and on each of `ranks` threads; the step losses.
    private func train(_ data: [EncodedExample], _ options: TrainOptions, ranks: Int) throws
        -> (single: [Float], ranks: [[Float]], singleLosses: [Double], rankLosses: [Double]) {
        let single = try network()
        var singleLosses: [Double] = []
        let trainer = Trainer(step: try TrainingStep(network: single, options: .init(learningRate: 1, totalSteps: 1)), paddingId: 0)
        trainer.processGroup = SingleProcess()
        _ = try trainer.run(train: data, validation: [], options: options, onStep: { singleLosses.append($0.loss) })

        let shared = ThreadGroup.Shared(size: ranks)
        let networks = try (0..<ranks).map { _ in try network() }
        var failures = [Error?](repeating: nil, count: ranks)
        var rankLosses: [Double] = []
        let lock = NSLock()
        // One thread per rank (not concurrentPerform, which may run ranks one after another on
        // fewer threads, and one rank alone waits forever in its first sum).
        let finished = DispatchGroup()
        for rank in 0..<ranks {
            finished.enter()
            Thread {
                defer { finished.leave() }
                do {
                let trainer = Trainer(step: try TrainingStep(network: networks[rank], options: .init(learningRate: 1, totalSteps: 1)),
                                      paddingId: 0)
                trainer.processGroup = ThreadGroup(rank: rank, shared: shared)
                var losses: [Double] = []
                _ = try trainer.run(train: data, validation: [], options: options, onStep: { losses.append($0.loss) })
                if rank == 0 { lock.lock(); rankLosses = losses; lock.unlock() }
            } catch {
                lock.lock(); failures[rank] = error; lock.unlock()
            }
            }.start()
        }
        finished.wait()
        for failure in failures { if let failure { throw failure } }
        return (single.parameters.array, networks.map(\.parameters.array), singleLosses, rankLosses)
    }

    private func check(_ data: [EncodedExample], _ options: TrainOptions, ranks: Int) throws {
        let initial = try network().parameters.array
        let result = try train(data, options, ranks: ranks)
        for other in result.ranks.dropFirst() {
            XCTAssertEqual(other.map(\.bitPattern), result.ranks[0].map(\.bitPattern), "every rank runs the same AdamW step on the same sum")
        }
        let moved = zip(initial, result.single).map { abs($0 - $1) }.max()!
        XCTAssertGreaterThan(moved, 1e-3, "training moved the weights far beyond the tolerance")
        // The bound: only the order of the float sums differs (each share padded to its own
        // longest example, per-rank partial gradients summed), except for the attention keys' bias:
        // adding b to every key adds q·b to every score of a query's row, which softmax ignores, so
        // its true gradient is 0 and the computed one is rounding noise (≈ 1e-10) that AdamW
        // normalises into steps of up to lr in either direction, in one process as in R. For it the
        // bound is what AdamW can move it: lr per step.
        let steps = Double(result.singleLosses.count)
        for entry in try network().layout.entries {
            let range = entry.offset..<(entry.offset + entry.count)
            let difference = range.map { abs(result.ranks[0][$0] - result.single[$0]) }.max()!
            let bound: Float = entry.name.hasSuffix("attention.self.key.bias") ? Float(options.lr * steps) : 1e-5
            XCTAssertLessThan(difference, bound, entry.name)
        }
        XCTAssertEqual(result.rankLosses.count, result.singleLosses.count)
        for (a, b) in zip(result.rankLosses, result.singleLosses) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testTwoRanksReachTheWeightsOfOneProcessWithTheSameGlobalBatch() throws {
        try check(examples(count: 16), TrainOptions(epochs: 2, lr: 1e-3, batch: 4, warmup: 0, seed: 5, clip: 1.0), ranks: 2)
    }

    /// Accumulation, class weights (each share's part of the weighted mean is its weights' share),
    /// a last micro-batch of one example (one rank holds none of it), three ranks.
    func testUnevenSharesAccumulationAndClassWeightsOnThreeRanks() throws {
        try check(examples(count: 13), TrainOptions(epochs: 2, lr: 1e-3, batch: 4, warmup: 0, seed: 5, clip: 1.0,
                                                    accumulate: 2, classWeights: true), ranks: 3)
    }
}

/// R threads as a process group: a sum waits for every rank, then adds their contributions in
/// rank order, so each rank gets the same bits.
private final class ThreadGroup: ProcessGroup {
    final class Shared {
        let size: Int
        let condition = NSCondition()
        var contributions: [[Double]]
        var arrived = 0
        var generation = 0
        var result: [Double] = []
        init(size: Int) {
            self.size = size
            contributions = Array(repeating: [], count: size)
        }

        func sum(_ values: [Double], rank: Int) -> [Double] {
            condition.lock()
            defer { condition.unlock() }
            contributions[rank] = values
            arrived += 1
            let mine = generation
            if arrived == size {
                result = contributions.dropFirst().reduce(contributions[0]) { zip($0, $1).map(+) }
                arrived = 0
                generation += 1
                condition.broadcast()
            } else {
                while generation == mine { condition.wait() }
            }
            return result
        }
    }

    let rank: Int
    let shared: Shared
    var size: Int { shared.size }

    init(rank: Int, shared: Shared) {
        self.rank = rank
        self.shared = shared
    }

    func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        // Summed in Double and rounded once: another order of float sums than one process's, as MPI's is.
        let sums = shared.sum((0..<count).map { Double(buffer[$0]) }, rank: rank)
        for i in 0..<count { buffer[i] = Float(sums[i]) }
    }

    func allreduceSum(_ values: [Double]) -> [Double] { shared.sum(values, rank: rank) }
}
