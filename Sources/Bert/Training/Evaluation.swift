import Foundation

/// Evaluation-mode passes over labelled examples: logits, probabilities, predictions, the mean
/// cross-entropy and the accuracy. Batches are formed from examples sorted by length and padded
/// to their longest (results come back in the examples' order).
///
///     let result = try Evaluation(network: network, paddingId: 0).run(examples, batchSize: 64)
///     result.accuracy; result.loss
public struct Evaluation {
    public struct Result: Equatable {
        /// (N, L)
        public let logits: [[Float]]
        /// (N, L) softmax of the logits
        public let probabilities: [[Float]]
        /// (N) arg-max class ids
        public let predictions: [Int]
        /// (N) the examples' labels
        public let labels: [Int]
        /// Mean cross-entropy -log p(label), unweighted, in Double.
        public let loss: Double
        public let accuracy: Double
    }

    public let network: BertNetwork
    public let paddingId: Int

    public init(network: BertNetwork, paddingId: Int) {
        self.network = network
        self.paddingId = paddingId
    }

    public func run(_ examples: [EncodedExample], batchSize: Int, checkInterrupt: () throws -> Void = {}) throws -> Result {
        guard !examples.isEmpty else { throw BertError(.argument, "there are no examples to evaluate") }
        let L = network.config.numLabels
        if let bad = examples.first(where: { !(0..<L).contains($0.label) }) {
            throw BertError(.argument, "label id \(bad.label) is outside the classifier's 0..<\(L)")
        }
        guard network.heads.contains(.classifier) else { throw BertError(.argument, "the model has no classifier head") }
        let order = examples.indices.sorted { examples[$0].count < examples[$1].count }
        var logits = [[Float]](repeating: [], count: examples.count)
        var start = 0
        while start < order.count {
            try checkInterrupt()
            let indices = order[start..<min(start + batchSize, order.count)]
            let batch = try Predictor.batch(indices.map { examples[$0] }, paddingId: paddingId, multiple: 16,
                                            limit: network.config.maxPositionEmbeddings)
            guard let out = try network.infer(batch).logits else { throw BertError(.argument, "the model has no classifier head") }
            for (row, index) in indices.enumerated() { logits[index] = Array(out[(row * L)..<((row + 1) * L)]) }
            start += batchSize
        }
        if logits.contains(where: { $0.contains { !$0.isFinite } }) {
            throw BertError(.numeric, "the model produced non-finite logits in evaluation")
        }
        let probabilities = logits.map(Predictor.softmax)
        let predictions = logits.map(Predictor.argmax)
        let labels = examples.map(\.label)
        var loss = 0.0, correct = 0
        for i in examples.indices {
            // log-sum-exp in Double: -log softmax(logits)[label]
            let row = logits[i].map(Double.init)
            let maximum = row.max()!
            let logSum = maximum + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - maximum) })
            loss += logSum - row[labels[i]]
            if predictions[i] == labels[i] { correct += 1 }
        }
        return Result(logits: logits, probabilities: probabilities, predictions: predictions, labels: labels,
                      loss: loss / Double(examples.count), accuracy: Double(correct) / Double(examples.count))
    }
}
