import Bert
import Display
import Foundation
import Numerics

/// The `inference` and `training` sections of `bert-kernel bench` (SPEC section 8, issue 8):
/// MiniLM-L6 with a 2-label classifier, batch 32, fixed padding (random ids, full attention) at
/// T = 64 and 128, against PyTorch + transformers with 2 threads on the same shapes.
///
/// Per shape: one untimed warm-up batch on each side, then `rounds` rounds, each timing one of our
/// batches and then one of PyTorch's, back to back; the median and the best (minimum-time) round.
/// GFLOP/s counts the GEMMs: forward = `BertBenchmark.forwardFLOPs` = L·(2·BT·C·3C + 2·BT·C·C +
/// 2·2·BT·C·I + 2·2·BT·T·C) + 2·B·C·C, training = 3 × forward (backward costs twice the forward);
/// the same count divides PyTorch's time. Training is forward + backward + clip(1.0) + AdamW with
/// dropout on. Each section loads its own network, so training changes no other section's weights.
///
/// `inference-base` and `training-base` (issue 19) time a bert-base-uncased-shaped network instead
/// (`Network.bertBase`: 12 layers, C 768, 12 heads, I 3072, V 30522; random weights from that
/// config on both sides, so nothing is downloaded) at batch 8, T = 128: the article's fine-tuning
/// shape; training adds the minutes per 1,000 examples.
struct ModelBenchSection: BenchSection {
    enum Mode: String { case inference, training }
    enum Network { case checkpoint, bertBase }

    let mode: Mode
    var network: Network = .checkpoint
    /// `inference`, `training` (batch 32), `inference-batch8`, `training-batch8`, `*-base`.
    var name: String { mode.rawValue + (network == .bertBase ? "-base" : batchSize == 32 ? "" : "-batch\(batchSize)") }
    var batchSize = 32
    var sequenceLengths = [64, 128]

    /// The bert-base rows: batch 8 at T = 128 (a bert-base training step is ~9x MiniLM's per example).
    static func bertBase(_ mode: Mode) -> ModelBenchSection {
        ModelBenchSection(mode: mode, network: .bertBase, batchSize: 8, sequenceLengths: [128])
    }

    /// bert-base-uncased's config.json sizes (huggingface.co/google-bert/bert-base-uncased).
    static var bertBaseConfig: BertConfig {
        var config = BertConfig(vocabSize: 30522, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12,
                                intermediateSize: 3072, maxPositionEmbeddings: 512, typeVocabSize: 2)
        config.setLabels(["a", "b"])
        return config
    }

    /// The network to time and the directory PyTorch builds its own from: the checkpoint, or a
    /// folder holding only bert-base's config.json (the companion then draws random weights).
    private func makeNetwork(_ environment: BenchEnvironment) throws -> (network: BertNetwork, directory: URL, randomWeights: Bool) {
        switch network {
        case .checkpoint:
            let (network, directory) = try environment.classifier()
            return (network, directory, false)
        case .bertBase:
            let config = Self.bertBaseConfig
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bert-kernel-bench-base-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try config.jsonData(architecture: "BertForSequenceClassification").write(to: directory.appendingPathComponent("config.json"))
            let network = try BertNetwork(config: config, heads: .sequenceClassification)
            var generator = SeededGenerator(seed: 3)
            network.initializeAll(using: &generator)
            return (network, directory, true)
        }
    }

    func run(_ environment: BenchEnvironment) throws -> [BenchMeasurement] {
        let measuredFromHere = Self.resetPeakResident()
        let (network, directory, randomWeights) = try makeNetwork(environment)
        defer { network.releaseActivations() }
        defer { if randomWeights { try? FileManager.default.removeItem(at: directory) } }

        var skipped: String?
        var companion: PyTorchBenchCompanion?
        do {
            companion = try PyTorchBenchCompanion(python: environment.python, executable: environment.executable,
                                                  modelDirectory: directory, mode: mode.rawValue, batchSize: batchSize,
                                                  randomWeights: randomWeights)
        } catch {
            skipped = "PyTorch comparison skipped: \(error)"
        }
        defer { companion?.stop() }
        let reference = "PyTorch"

        var rows: [BenchMeasurement] = []
        var generator = SeededGenerator(seed: 1)
        let config = network.config
        // The share-of-peak rows divide by this machine's sgemm peak on the largest shapes here.
        let peak = environment.machine.sgemmPeak(BenchMachine.modelShapes(config, rows: batchSize * (sequenceLengths.max() ?? 128)))
        for T in sequenceLengths {
            let (batch, labels) = try BertBenchmark.fixedBatch(config: config, batchSize: batchSize, sequenceLength: T,
                                                               using: &generator)
            // Inference builds no training step: its AdamW moments (twice the weights) would count
            // in this section's peak memory, and PyTorch's optimizer holds no state before a step.
            let step = mode == .training
                ? try TrainingStep(network: network, options: .init(learningRate: 1e-5, totalSteps: 1_000_000)) : nil
            let ours: () throws -> Void = { if let step { _ = try step.run([(batch, labels)]) } else { _ = try network.infer(batch) } }

            // Warm-up (arena allocation, OpenBLAS buffers, torch's allocator), untimed.
            try ours()
            _ = try companion?.time(sequenceLength: T)
            // Inference also times predict's path (`classificationLogits`: the last layer on the
            // [CLS] rows alone) in the same rounds; PyTorch's forward is the reference of both.
            let classify: (() throws -> Void)? = mode == .inference && network.heads.contains(.classifier)
                ? { _ = try network.classificationLogits(batch) } : nil
            try classify?()
            var ourSeconds: [Double] = [], theirSeconds: [Double] = [], classifySeconds: [Double] = []
            for round in 0..<max(1, environment.modelRounds) {
                ourSeconds.append(try Self.seconds(ours))
                if let classify { classifySeconds.append(try Self.seconds(classify)) }
                if let companion { theirSeconds.append(try companion.time(sequenceLength: T)) }
                environment.progress("\(name) T=\(T) round \(round + 1): ours \(Self.format(ourSeconds.last))"
                                     + " s, PyTorch \(Self.format(theirSeconds.last)) s")
            }
            let flops = (mode == .inference ? 1 : 3) * BertBenchmark.forwardFLOPs(config, B: batchSize, T: T)
            rows += Self.throughputRows(T: T, batchSize: batchSize, flops: flops, ours: ourSeconds,
                                        theirs: theirSeconds, reference: reference, sgemmPeak: peak,
                                        target: mode == .inference ? ">= 1.3x" : ">= 1.5x")
            if !classifySeconds.isEmpty {
                let B = Double(batchSize)
                rows.append(BenchMeasurement(
                    name: "T=\(T) throughput of predict's path, median", unit: "samples/s", value: B / Self.median(classifySeconds),
                    reference: theirSeconds.isEmpty ? nil : (name: reference, value: B / Self.median(theirSeconds)),
                    target: nil, higherIsBetter: true,
                    note: "classifier logits with the last layer on the [CLS] rows alone; PyTorch: its full forward"))
            }
            if mode == .training, self.network == .bertBase {
                rows.append(Self.perThousandRow(T: T, batchSize: batchSize, ours: ourSeconds, theirs: theirSeconds, reference: reference))
            }
            if let step { rows += try Self.phaseRows(T: T) { _ = try step.run([(batch, labels)]) } }
        }
        rows.append(BenchMeasurement(
            name: "peak resident memory", unit: "MB", value: Self.peakResidentKilobytes() / 1024,
            reference: companion.map { (name: reference, value: $0.maxResidentKilobytes / 1024) }, target: ">= 1.67x (ours <= 0.6x theirs)",
            higherIsBetter: false, note: "VmHWM of each process" + (measuredFromHere ? " (ours: this section's, reset at its start)"
                                                                      : " (ours: the whole bench run so far)")))
        rows[0].note = skipped ?? "ours: \(environment.machine.threads) threads, OpenBLAS \(environment.machine.blas.core); "
            + (companion.map { "PyTorch \($0.torchVersion): \($0.threads) threads, \($0.blas)" } ?? "")
        rows[0].extra["sgemm_peak_gflops"] = .double(peak)
        if let companion {
            rows[0].extra["reference_version"] = .string("torch \(companion.torchVersion), \(companion.threads) threads, \(companion.blas)")
        }
        return rows
    }

    /// - target: the median throughput's goal against PyTorch (issue 12: 1.3x inference, 1.5x training)
    static func throughputRows(T: Int, batchSize: Int, flops: Double, ours: [Double], theirs: [Double],
                               reference: String, sgemmPeak: Double, target: String) -> [BenchMeasurement] {
        let B = Double(batchSize)
        func rows(_ label: String, _ pick: ([Double]) -> Double) -> [BenchMeasurement] {
            let our = pick(ours), their = theirs.isEmpty ? nil : pick(theirs)
            return [
                BenchMeasurement(name: "T=\(T) throughput, \(label)", unit: "samples/s", value: B / our,
                                 reference: their.map { (name: reference, value: B / $0) }, target: label == "median" ? target : nil,
                                 higherIsBetter: true),
                BenchMeasurement(name: "T=\(T) GEMM rate, \(label)", unit: "GFLOP/s", value: flops / our / 1e9,
                                 reference: their.map { (name: reference, value: flops / $0 / 1e9) }, target: nil, higherIsBetter: true),
                BenchMeasurement(name: "T=\(T) share of the measured sgemm peak, \(label)", unit: "%",
                                 value: 100 * flops / our / 1e9 / sgemmPeak,
                                 reference: their.map { (name: reference, value: 100 * flops / $0 / 1e9 / sgemmPeak) },
                                 target: nil, higherIsBetter: true),
            ]
        }
        // The median round, and the best: the minimum time, the round least disturbed by other
        // work on a shared machine (the usual benchmark statistic besides the median).
        var result = rows("median", median) + rows("best", { $0.min() ?? .nan })
        result[0].extra = ["our_seconds": .array(ours.map { .double($0) }),
                           "reference_seconds": .array(theirs.map { .double($0) }),
                           "batch": .int(batchSize), "sequence_length": .int(T), "flops_per_batch": .double(flops)]
        return result
    }

    /// How long fine-tuning takes per 1,000 examples (one epoch of 1,000 at this batch and T),
    /// from the median step: 1000 / batch steps.
    static func perThousandRow(T: Int, batchSize: Int, ours: [Double], theirs: [Double], reference: String) -> BenchMeasurement {
        let steps = 1000 / Double(batchSize)
        return BenchMeasurement(name: "T=\(T) fine-tuning time per 1,000 examples, median", unit: "min",
                                value: steps * median(ours) / 60,
                                reference: theirs.isEmpty ? nil : (name: reference, value: steps * median(theirs) / 60),
                                target: nil, higherIsBetter: false,
                                note: "forward, backward, clipping and AdamW at batch \(batchSize); evaluation and data loading not included")
    }

    /// One more training step timed by phase (`PhaseClock`): the share of its wall time spent in
    /// the dense layers, the attention core, the optimizer, and the rest.
    static func phaseRows(T: Int, _ body: () throws -> Void) throws -> [BenchMeasurement] {
        PhaseClock.reset()
        PhaseClock.enabled = true
        defer { PhaseClock.enabled = false }
        let total = try seconds(body)
        var shares: [(String, Double)] = [("dense", PhaseClock.seconds(.dense)), ("attention", PhaseClock.seconds(.attention)),
                                          ("optimizer", PhaseClock.seconds(.optimizer))].map { ($0.0, 100 * $0.1 / total) }
        shares.append(("other", max(0, 100 - shares.map(\.1).reduce(0, +))))
        return shares.map { BenchMeasurement(name: "T=\(T) time in \($0.0)", unit: "%", value: $0.1, reference: nil,
                                             target: nil, higherIsBetter: false) }
    }

    static func seconds(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func format(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }

    /// Starts this process's peak resident set afresh (writing 5 to /proc/self/clear_refs resets
    /// VmHWM, Linux's proc(5)), so a section measures its own peak and not an earlier section's.
    /// Whether it could.
    static func resetPeakResident() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }

    /// Peak resident set of this process since the last reset, KiB: VmHWM of /proc/self/status,
    /// else ru_maxrss (the whole run's).
    static func peakResidentKilobytes() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            return kilobytes
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss)
    }
}
