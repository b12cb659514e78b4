import Foundation
import Numerics
import TextDatasets
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

    /// The tiny classifier, with its dropout (0.1) on: each mask element is keyed by its example's
    /// index in the global batch and its position (`Dropout.MaskKeys`), so a rank draws, for its
    /// share of a batch padded to its own longest example, what one process draws for those rows.
    private func network() throws -> BertNetwork {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        precondition(network.config.hiddenDropoutProb > 0 && network.config.attentionProbsDropoutProb > 0,
                     "these tests are of training with dropout")
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

        let networks = try (0..<ranks).map { _ in try network() }
        var rankLosses: [Double] = []
        try ThreadGroup.run(ranks: ranks) { group in
            let trainer = Trainer(step: try TrainingStep(network: networks[group.rank], options: .init(learningRate: 1, totalSteps: 1)),
                                  paddingId: 0)
            trainer.processGroup = group
            trainer.checksWeightsAcrossRanks = true     // after each epoch: it must pass here
            var losses: [Double] = []
            _ = try trainer.run(train: data, validation: [], options: options, onStep: { losses.append($0.loss) })
            if group.rank == 0 { rankLosses = losses }
        }
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
        // Only the order of the float sums differs (each share padded to its own longest example,
        // per-rank partial gradients summed). AdamW divides each gradient by its own running RMS,
        // so what reaches the weights is the rounding relative to each element's gradient: about
        // 1e-7 where a gradient's sum does not cancel (nearly every element here moves by under
        // 2e-7), more where it does (one element of 2048 of layer 0's intermediate weight moved
        // 1.2e-5, 0.15% of its 8e-3 path, once the attention products fused their multiply-adds).
        // AdamW's reach is lr per step; the bound is 1% of it, far below what a wrong share does
        // (a share left out or counted twice changes every step by a large part of lr). The
        // attention keys' bias is the exception: adding b to every key adds q·b to every score of
        // a query's row, which softmax ignores, so its true gradient is 0 and the computed one is
        // rounding noise (≈ 1e-10) that AdamW normalises into steps of up to lr in either
        // direction, in one process as in R. For it the bound is the whole reach.
        let steps = Double(result.singleLosses.count)
        let reach = Float(options.lr * steps)
        for entry in try network().layout.entries {
            let range = entry.offset..<(entry.offset + entry.count)
            let difference = range.map { abs(result.ranks[0][$0] - result.single[$0]) }.max()!
            let bound: Float = entry.name.hasSuffix("attention.self.key.bias") ? reach : reach / 100
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

    /// The buckets a data-parallel step sums as the backward finishes them: heads, layers N−1
    /// down to the lowest trained, then the embeddings when they train; together exactly the
    /// trained gradients, back to back, so each value is summed once.
    func testTheBucketsCoverTheTrainedGradientsInTheBackwardsOrder() throws {
        let network = try network()
        let N = network.config.numHiddenLayers
        for frozen in Set([0, 1, N]) {
            let groups = ParameterGroups(layout: network.layout, layers: N, frozenLayers: frozen)
            let trained = groups.trainedOffset..<network.parameters.count
            let buckets = ParameterGroups.buckets(layout: network.layout, trained: trained)
            let expected: [ParameterGroups.Place] = [.head] + (frozen..<N).reversed().map { .layer($0) }
                + (frozen == 0 ? [.embeddings] : [])
            XCTAssertEqual(buckets.map(\.place), expected, "freeze: \(frozen)")
            XCTAssertEqual(buckets.first?.range.upperBound, trained.upperBound)
            XCTAssertEqual(buckets.last?.range.lowerBound, trained.lowerBound)
            for (later, earlier) in zip(buckets, buckets.dropFirst()) {
                XCTAssertEqual(earlier.range.upperBound, later.range.lowerBound)
            }
        }
    }

    /// The check after each epoch fires when the ranks' weights diverge: rank 1 starts from a
    /// perturbed weight, so its weights differ from rank 0's after every step, and both ranks
    /// throw after the first epoch (they agree on it, so neither waits for the other).
    func testTheWeightCheckAcrossRanksThrowsWhenTheyDiverge() throws {
        let networks = try (0..<2).map { _ in try network() }
        networks[1].parameters.pointer[0] += 0.25
        var messages = ["", ""]
        let lock = NSLock()
        XCTAssertThrowsError(try ThreadGroup.run(ranks: 2) { group in
            let trainer = Trainer(step: try TrainingStep(network: networks[group.rank], options: .init(learningRate: 1, totalSteps: 1)),
                                  paddingId: 0)
            trainer.processGroup = group
            trainer.checksWeightsAcrossRanks = true
            do {
                _ = try trainer.run(train: self.examples(count: 8), validation: [],
                                    options: TrainOptions(epochs: 2, lr: 1e-3, batch: 4, warmup: 0, seed: 5))
            } catch {
                lock.lock(); messages[group.rank] = (error as? BertError)?.message ?? "\(error)"; lock.unlock()
                throw error
            }
        })
        for (rank, message) in messages.enumerated() {
            XCTAssertTrue(message.hasPrefix("the weights differ between the 2 ranks after epoch 1 "), "rank \(rank): \(message)")
        }
    }

    /// `freeze: "encoder"` computes every example's encoder output on every rank before the first
    /// step; an interrupt on rank 0 during that pass (its first check) must stop rank 1 too, at
    /// the same point: both throw, and neither is left waiting in a sum (the 20 s bound).
    func testAnInterruptOnRankZeroDuringTheFrozenEncoderPassStopsEveryRank() throws {
        let networks = try (0..<2).map { _ in try network() }
        var errors: [Error?] = [nil, nil]
        let lock = NSLock()
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? ThreadGroup.run(ranks: 2) { group in
                let trainer = Trainer(step: try TrainingStep(network: networks[group.rank],
                                                             options: .init(learningRate: 1, totalSteps: 1)), paddingId: 0)
                trainer.processGroup = group
                do {
                    _ = try trainer.run(train: self.examples(count: 40), validation: [],
                                        options: TrainOptions(epochs: 1, lr: 1e-3, batch: 4, warmup: 0, seed: 5, freeze: .encoder),
                                        checkInterrupt: { if group.rank == 0 { throw CancellationError() } })
                } catch {
                    lock.lock(); errors[group.rank] = error; lock.unlock()
                }
            }
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + 20) == .success else {
            return XCTFail("a rank still waits 20 s after rank 0 was interrupted in the frozen encoder's pass")
        }
        XCTAssertTrue(errors[0] is CancellationError, "\(String(describing: errors[0]))")
        XCTAssertTrue(errors[1] is StoppedOnAnotherRank, "\(String(describing: errors[1]))")
        XCTAssertEqual(networks[0].parameters.array.map(\.bitPattern), try network().parameters.array.map(\.bitPattern))
    }

    /// Data-parallel `pretrain`: 3 ranks over batches of 5 pairs (shares of 1, 2 and 2 rows, each
    /// with its own count of masked positions) reach one process's weights within 1e-5, with
    /// the same MLM and NSP losses per step, and every rank the same weights bit for bit.
    func testPretrainingOnThreeRanksReachesTheWeightsOfOneProcess() throws {
        let corpus = try PretrainingCorpus.load("demo")
        let tokenizer = try PretrainingVocabulary.tokenizer(for: corpus.documents)
        var options = PretrainingOptions()
        options.steps = 6
        options.layers = 1
        options.hidden = 32
        options.heads = 2
        options.maxLength = 32
        options.batchSize = 5
        options.warmupFraction = 0
        options.dropout = 0.1        // on: the masks are keyed by each row's place in the global batch
        let single = try PretrainingRun(documents: corpus.documents, tokenizer: tokenizer, options: options)
        single.processGroup = SingleProcess()
        let initial = single.network.parameters.array
        while single.step < options.steps { try single.runStep() }
        let ranks = 3
        var runs: [PretrainingRun?] = Array(repeating: nil, count: ranks)
        let lock = NSLock()
        try ThreadGroup.run(ranks: ranks) { group in
            let run = try PretrainingRun(documents: corpus.documents, tokenizer: tokenizer, options: options)
            run.processGroup = group
            while run.step < options.steps { try run.runStep() }
            lock.lock(); runs[group.rank] = run; lock.unlock()
        }
        let weights = runs.map { $0!.network.parameters.array }
        for other in weights.dropFirst() { XCTAssertEqual(other.map(\.bitPattern), weights[0].map(\.bitPattern)) }
        let moved = zip(initial, single.network.parameters.array).map { abs($0 - $1) }.max()!
        XCTAssertGreaterThan(moved, 1e-3, "pre-training moved the weights far beyond the tolerance")
        // The order of float sums differs (shares, MPI's sum), nothing else; the keys' bias as in `check`.
        for entry in single.network.layout.entries {
            let range = entry.offset..<(entry.offset + entry.count)
            let difference = range.map { abs(weights[0][$0] - single.network.parameters.array[$0]) }.max()!
            let bound: Float = entry.name.hasSuffix("attention.self.key.bias") ? options.learningRate * Float(options.steps) : 1e-5
            XCTAssertLessThan(difference, bound, entry.name)
        }
        for (a, b) in zip(runs[0]!.records, single.records) {
            XCTAssertEqual(a.maskedLMLoss, b.maskedLMLoss, accuracy: 1e-5)
            XCTAssertEqual(a.nextSentenceLoss, b.nextSentenceLoss, accuracy: 1e-5)
        }
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

    /// `body` on `ranks` threads, each with its rank's group; the first rank's error is thrown.
    /// One thread per rank (not concurrentPerform, which may run ranks one after another on
    /// fewer threads, and one rank alone waits forever in its first sum).
    static func run(ranks: Int, _ body: @escaping (ThreadGroup) throws -> Void) throws {
        let shared = Shared(size: ranks)
        var failures = [Error?](repeating: nil, count: ranks)
        let lock = NSLock()
        let finished = DispatchGroup()
        for rank in 0..<ranks {
            finished.enter()
            Thread {
                defer { finished.leave() }
                do {
                    try body(ThreadGroup(rank: rank, shared: shared))
                } catch {
                    lock.lock(); failures[rank] = error; lock.unlock()
                }
            }.start()
        }
        finished.wait()
        for failure in failures { if let failure { throw failure } }
    }
}
