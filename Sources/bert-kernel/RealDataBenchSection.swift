import Bert
import Foundation
import Numerics
import TextDatasets
import WordPiece

/// The `data` section of `bert-kernel bench` (issue 8, "real-data wins"): training samples/s on
/// real texts, whose lengths vary, batched three ways. It is separate from the fixed-shape
/// sections on purpose: it measures what padding costs, not how fast a shape runs.
///
/// - fixed: every batch padded to `maxLength` (tokenizer `padding="max_length"`)
/// - dynamic: shuffled batches padded to their longest example (what `train` does)
/// - grouped: the same with `LengthGrouping` (transformers' `group_by_length`)
///
/// One epoch over the texts per way, MiniLM-L6 with a 2-label classifier, batch 32, dropout on,
/// after one untimed warm-up batch, on a network loaded for this section alone. The reference column is
/// PyTorch training on the same batches (each batch's shape, and each row's length as its
/// attention mask; `bench_pytorch.py`), timed batch by batch right after ours so that both see the
/// same machine; without torch it is the fixed-padding figure of the same run, the speed-up that
/// padding less gives (which the note gives in any case).
struct RealDataBenchSection: BenchSection {
    var name: String { "data" }
    var batchSize = 32
    var maxLength = 128

    func run(_ environment: BenchEnvironment) throws -> [BenchMeasurement] {
        let (network, directory) = try environment.classifier()
        defer { network.releaseActivations() }
        let tokenizer = try BertTokenizer(directory: directory)
        let dataset = try TextDataset.load(dataset: environment.dataPath ?? TextDataset.demoName,
                                           text: environment.dataText, validation: 0, limit: environment.dataLimit)
        let source = environment.dataPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "demo"
        let examples = try dataset.train.enumerated().map { index, example in
            EncodedExample(try tokenizer.encode(example.text, pair: example.pair, maxLength: maxLength), label: index % 2)
        }
        let lengths = examples.map(\.count)
        var generator = SeededGenerator(seed: 42)
        let shuffled = generator.shuffled(Array(examples.indices))
        let ways: [(name: String, order: [Int], padTo: Int?)] = [
            ("fixed padding to \(maxLength)", shuffled, maxLength),
            ("dynamic padding", shuffled, nil),
            ("dynamic + grouped by length", LengthGrouping.order(shuffled: shuffled, lengths: lengths,
                                                                        batchSize: batchSize), nil),
        ]

        let step = try TrainingStep(network: network, options: .init(learningRate: 1e-5, totalSteps: 1_000_000,
                                                                     dropoutSeed: 1))
        let paddingId = tokenizer.paddingTokenId
        func batches(_ order: [Int], padTo: Int?) throws -> [(BertBatch, BertLabels)] {
            try stride(from: 0, to: order.count, by: batchSize).map { start in
                let chosen = order[start..<min(start + batchSize, order.count)].map { examples[$0] }
                let batch = try Predictor.batch(chosen, paddingId: paddingId, multiple: padTo ?? 1,
                                                limit: padTo ?? network.config.maxPositionEmbeddings)
                return (batch, .classes(chosen.map { Int32($0.label) }))
            }
        }

        var skipped: String?
        var companion: PyTorchBenchCompanion?
        do {
            companion = try PyTorchBenchCompanion(python: environment.python, executable: environment.executable,
                                                  modelDirectory: directory, mode: "training", batchSize: batchSize)
        } catch {
            skipped = "PyTorch comparison skipped: \(error)"
        }
        defer { companion?.stop() }

        var rows: [BenchMeasurement] = []
        var fixedRate: Double?
        for way in ways {
            let planned = try batches(way.order, padTo: way.padTo)
            let padded = planned.map { $0.0.batchSize * $0.0.sequenceLength }.reduce(0, +)
            /// Each row's real tokens, as the companion masks them.
            func rowLengths(_ batch: BertBatch) -> [Int] {
                (0..<batch.batchSize).map { b in
                    (0..<batch.sequenceLength).reduce(0) { $0 + Int(batch.attentionMask[b * batch.sequenceLength + $1]) }
                }
            }
            // Warm-up on the longest batch: the arena is then allocated once, at its largest.
            if let longest = planned.max(by: { $0.0.sequenceLength < $1.0.sequenceLength }) {
                _ = try step.run([longest])
                _ = try companion?.time(sequenceLength: longest.0.sequenceLength, lengths: rowLengths(longest.0))
            }
            var seconds = 0.0, theirSeconds = 0.0
            for batch in planned {
                seconds += try ModelBenchSection.seconds { _ = try step.run([batch]) }
                if let companion {
                    theirSeconds += try companion.time(sequenceLength: batch.0.sequenceLength, lengths: rowLengths(batch.0))
                }
            }
            let rate = Double(examples.count) / seconds
            let theirRate = companion.map { _ in Double(examples.count) / theirSeconds }
            environment.progress(String(format: "data %@: %.1f samples/s (PyTorch %@), %.1f padded tokens per example",
                                        way.name, rate, theirRate.map { String(format: "%.1f", $0) } ?? "-",
                                        Double(padded) / Double(examples.count)))
            let reference = theirRate.map { (name: "PyTorch", value: $0) } ?? fixedRate.map { (name: "fixed", value: $0) }
            var row = BenchMeasurement(name: "\(way.name)", unit: "samples/s", value: rate, reference: reference,
                                       target: companion == nil ? nil : ">= 1.5x", higherIsBetter: true)
            row.note = String(format: "%.1f padded tokens per example", Double(padded) / Double(examples.count))
                + (fixedRate.map { String(format: "; %.2fx our fixed padding", rate / $0) } ?? "")
            row.extra = ["seconds": .double(seconds), "batches": .int(planned.count),
                         "padded_tokens": .int(padded), "real_tokens": .int(lengths.reduce(0, +))]
            if companion != nil { row.extra["reference_seconds"] = .double(theirSeconds) }
            rows.append(row)
            if fixedRate == nil { fixedRate = rate }
        }
        rows[0].note = String(format: "%@: %d texts, %.1f tokens on average (%d to %d), batch %d; %@", source,
                              examples.count, Double(lengths.reduce(0, +)) / Double(max(1, examples.count)),
                              lengths.min() ?? 0, lengths.max() ?? 0, batchSize, rows[0].note ?? "")
            + "; " + (skipped ?? companion.map { "PyTorch \($0.torchVersion): \($0.threads) threads, \($0.blas)" } ?? "")
        return rows
    }
}
