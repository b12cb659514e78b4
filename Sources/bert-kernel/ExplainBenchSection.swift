import Bert
import Foundation
import Numerics
import WordPiece

/// The `explain` section of `bert-kernel bench` (issue 17): integrated gradients, 50 steps, on a
/// 30-token text with MiniLM-L6 and a seeded 2-label head; the target is under 2 seconds on two
/// cores. The 50 scaled inputs run as batches through the forward and the backward pass (as
/// `explain` runs them). No PyTorch row: captum is not installed, and a hand-written torch loop
/// would measure that script rather than what users run.
struct ExplainBenchSection: BenchSection {
    var name: String { "explain" }
    var steps = 50
    var sequenceLength = 30

    func run(_ environment: BenchEnvironment) throws -> [BenchMeasurement] {
        let (network, directory) = try environment.classifier()
        defer { network.releaseActivations() }
        let tokenizer = try BertTokenizer(directory: directory)
        let text = "The hotel was close to the station and the staff were friendly, but the room was small, "
            + "the walls were thin and breakfast ended far too early for anyone on holiday."
        let encoding = try tokenizer.encode(text, maxLength: sequenceLength)
        let T = encoding.count
        let ids = encoding.ids.map(Int32.init)
        let baseline = encoding.ids.indices.map { encoding.specialTokensMask[$0] == 1 ? ids[$0] : Int32(tokenizer.paddingTokenId) }
        let types = encoding.typeIds.map(Int32.init)
        let ig = IntegratedGradients(network: network)
        let once = { _ = try ig.attribute(ids: ids, typeIds: types, baselineIds: baseline, target: 1, steps: steps) }
        try once()   // warm-up: arena allocation, OpenBLAS buffers
        var seconds: [Double] = []
        for round in 0..<max(1, environment.modelRounds) {
            seconds.append(try ModelBenchSection.seconds(once))
            environment.progress("explain round \(round + 1): \(String(format: "%.3f", seconds.last!)) s")
        }
        let sorted = seconds.sorted()
        return [BenchMeasurement(
            name: "integrated gradients, \(steps) steps, T=\(T)", unit: "ms", value: 1000 * sorted[sorted.count / 2],
            reference: nil, target: "< 2000",
            note: "median of \(seconds.count) rounds, best \(String(format: "%.0f", 1000 * sorted[0])) ms; "
                + "\(environment.machine.threads) threads, OpenBLAS \(environment.machine.blas.core); no PyTorch row (captum absent)",
            extra: ["seconds": .array(seconds.map { .double($0) })])]
    }
}
