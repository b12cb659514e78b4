import Foundation
import Numerics

/// Throughput of inference and training at fixed shapes, for `bert-kernel bench`.
///
///     let network = try BertCheckpoint.load(from: miniLM, heads: .sequenceClassification, labels: ["a", "b"]).network
///     for r in try BertBenchmark.run(network: network) { print(r) }
///
/// Inputs are random token ids with full attention (fixed padding: every sequence has T tokens),
/// as the PyTorch companion measures. Training is forward + backward + clipping + AdamW with
/// dropout on (training mode). Each figure is the median over `iterations` timed runs after
/// `warmup` untimed ones.
public enum BertBenchmark {
    public struct Result: CustomStringConvertible {
        public let batchSize: Int
        public let sequenceLength: Int
        /// Median seconds per batch.
        public let inferenceSeconds: Double
        public let trainingSeconds: Double
        public var inferenceSamplesPerSecond: Double { Double(batchSize) / inferenceSeconds }
        public var trainingSamplesPerSecond: Double { Double(batchSize) / trainingSeconds }
        /// Forward FLOPs per batch counted from the GEMMs (2·M·N·K each); training ≈ 3x.
        public let forwardFLOPs: Double
        /// Share of one training step's time: dense layers (GEMMs with their fused epilogues),
        /// the attention core (scores, softmax, context, per head), the optimizer (clipping
        /// excluded), and the rest (embeddings, LayerNorm backward, losses, dropout masks).
        public let trainingSplit: [String: Double]

        public var description: String {
            let split = ["dense", "attention", "optimizer", "other"].compactMap { key in
                trainingSplit[key].map { "\(key) \(Int((100 * $0).rounded()))%" }
            }.joined(separator: ", ")
            return String(format: "B=%d T=%d  inference %.1f samples/s (%.1f GFLOP/s)  training %.1f samples/s (%.1f GFLOP/s)",
                          batchSize, sequenceLength, inferenceSamplesPerSecond, forwardFLOPs / inferenceSeconds / 1e9,
                          trainingSamplesPerSecond, 3 * forwardFLOPs / trainingSeconds / 1e9)
                + (split.isEmpty ? "" : "  [training: \(split)]")
        }
    }

    public static func run(network: BertNetwork, batchSize: Int = 32, sequenceLengths: [Int] = [64, 128],
                           warmup: Int = 1, iterations: Int = 3, training: Bool = true,
                           progress: ((String) -> Void)? = nil) throws -> [Result] {
        guard network.heads.contains(.classifier) else {
            throw BertError(.argument, "the benchmark trains a sequence classifier; load the model with a classifier head")
        }
        var results: [Result] = []
        var generator = SeededGenerator(seed: 1)
        let config = network.config
        for T in sequenceLengths {
            let (batch, labels) = try fixedBatch(config: config, batchSize: batchSize, sequenceLength: T, using: &generator)
            let inference = try median(warmup: warmup, iterations: iterations) { _ = try network.infer(batch) }
            progress?(String(format: "T=%d inference %.3f s/batch", T, inference))
            var trainingTime = Double.nan
            var split: [String: Double] = [:]
            if training {
                // A copy of the weights is restored afterwards: benchmarking must not train the model.
                let saved = FloatBuffer(count: network.parameters.count)
                saved.copy(from: network.parameters)
                defer { network.parameters.copy(from: saved) }
                let step = try TrainingStep(network: network, options: .init(learningRate: 1e-5, totalSteps: 1000))
                trainingTime = try median(warmup: warmup, iterations: iterations) { _ = try step.run([(batch, labels)]) }
                // One more step, timed by phase.
                PhaseClock.reset()
                PhaseClock.enabled = true
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try step.run([(batch, labels)])
                let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                PhaseClock.enabled = false
                split["dense"] = PhaseClock.seconds(.dense) / total
                split["attention"] = PhaseClock.seconds(.attention) / total
                split["optimizer"] = PhaseClock.seconds(.optimizer) / total
                split["other"] = max(0, 1 - split.values.reduce(0, +))
                network.zeroGradients()
                progress?(String(format: "T=%d training %.3f s/batch", T, trainingTime))
            }
            results.append(Result(batchSize: batchSize, sequenceLength: T, inferenceSeconds: inference,
                                  trainingSeconds: trainingTime, forwardFLOPs: forwardFLOPs(config, B: batchSize, T: T),
                                  trainingSplit: split))
        }
        network.releaseActivations()
        return results
    }

    /// A batch of random token ids (never [PAD], id 0) with full attention, and labels cycling
    /// through the classes: the fixed-padding shape both benchmarks and the PyTorch companion time.
    public static func fixedBatch(config: BertConfig, batchSize: Int, sequenceLength T: Int,
                                  using generator: inout SeededGenerator) throws -> (BertBatch, BertLabels) {
        let ids = (0..<(batchSize * T)).map { _ in Int32(1 + Int(generator.next() % UInt64(config.vocabSize - 1))) }
        let batch = try BertBatch(batchSize: batchSize, sequenceLength: T, inputIds: ids)
        return (batch, .classes((0..<batchSize).map { Int32($0 % config.numLabels) }))
    }

    /// 2·M·N·K summed over the encoder's GEMMs (projections, attention, feed-forward) and the pooler.
    public static func forwardFLOPs(_ c: BertConfig, B: Int, T: Int) -> Double {
        let BT = Double(B * T), C = Double(c.hiddenSize), I = Double(c.intermediateSize), t = Double(T)
        let perLayer = 2 * BT * C * (3 * C) + 2 * BT * C * C + 2 * 2 * BT * C * I + 2 * 2 * BT * t * C
        return Double(c.numHiddenLayers) * perLayer + 2 * Double(B) * C * C
    }

    static func median(warmup: Int, iterations: Int, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        for _ in 0..<max(1, iterations) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }
}
