import Foundation
import TextDatasets

/// Evaluation-mode passes over labelled examples: logits, probabilities, the task's mean loss and
/// its accuracy. Batches are formed from examples sorted by length and padded to their longest
/// (results come back in the examples' order).
///
///     let result = try Evaluation(network: network, paddingId: 0).run(examples, batchSize: 64)
///     result.accuracy; result.loss
///
/// The task is the network's `config.resolvedProblemType`, as `BertForSequenceClassification`
/// picks its loss from `problem_type`:
/// - single-label: softmax probabilities, arg-max predictions, cross-entropy -log p(label),
///   accuracy;
/// - multi-label: per-label sigmoid probabilities, binary cross-entropy with logits averaged over
///   every (example, label), subset accuracy (the predicted set, sigmoid ≥ 0.5, i.e. logit ≥ 0, equals the
///   true set);
/// - regression: the one logit is the prediction, mean squared error, no accuracy.
/// Losses are unweighted and unsmoothed: the model's plain loss, comparable between runs.
public struct Evaluation {
    public struct Result: Equatable {
        public let task: TaskKind
        /// (N, L)
        public let logits: [[Float]]
        /// (N, L) softmax (single-label) or sigmoid (multi-label) of the logits; (N, 0) for regression
        public let probabilities: [[Float]]
        /// (N) arg-max class ids (single-label); empty for the other tasks
        public let predictions: [Int]
        /// (N) the examples' class ids (single-label); -1 for the other tasks
        public let labels: [Int]
        /// Mean loss of the task, in Double.
        public let loss: Double
        /// Accuracy (single-label), subset accuracy (multi-label), nil (regression).
        public let accuracy: Double?
    }

    public let network: BertNetwork
    public let paddingId: Int

    public init(network: BertNetwork, paddingId: Int) {
        self.network = network
        self.paddingId = paddingId
    }

    /// - groups: with sliding windows, which of `examples` (the windows) belong to which text; the
    ///   result is then per text, from its windows' aggregated logits, with its first window's target
    public func run(_ examples: [EncodedExample], batchSize: Int, groups: WindowGroups? = nil,
                    checkInterrupt: () throws -> Void = {}) throws -> Result {
        guard !examples.isEmpty else { throw BertError(.argument, "there are no examples to evaluate") }
        guard network.heads.contains(.classifier) else { throw BertError(.argument, "the model has no classifier head") }
        let task = network.config.resolvedProblemType
        try TaskTargets.check(examples, task: task, labels: network.config.numLabels)
        var logits = try Predictor.logits(of: network, examples, paddingId: paddingId, batchSize: batchSize,
                                          checkInterrupt: checkInterrupt)
        var examples = examples
        if let groups {
            logits = groups.aggregate(logits)
            examples = groups.firstWindows.map { examples[$0] }
        }
        if logits.contains(where: { $0.contains { !$0.isFinite } }) {
            throw BertError(.numeric, "the model produced non-finite logits in evaluation")
        }
        let probabilities = logits.map { Predictor.probabilities($0, task: task) }
        let n = Double(examples.count)
        switch task {
        case .singleLabel:
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
            return Result(task: task, logits: logits, probabilities: probabilities, predictions: predictions, labels: labels,
                          loss: loss / n, accuracy: Double(correct) / n)
        case .multiLabel:
            let L = network.config.numLabels
            var loss = 0.0, exact = 0
            for (row, example) in zip(logits, examples) {
                let targets = TaskTargets.multiHot(example, labels: L)
                var allRight = true
                for (x, y) in zip(row.map(Double.init), targets.map(Double.init)) {
                    // max(x, 0) - x·y + log(1 + e^(-|x|)), as binary_cross_entropy_with_logits
                    loss += max(x, 0) - x * y + Foundation.log1p(Foundation.exp(-abs(x)))
                    if (x >= 0) != (y > 0.5) { allRight = false }
                }
                if allRight { exact += 1 }
            }
            return Result(task: task, logits: logits, probabilities: probabilities, predictions: [],
                          labels: examples.map { _ in -1 }, loss: loss / (n * Double(L)), accuracy: Double(exact) / n)
        case .regression:
            var loss = 0.0
            for (row, example) in zip(logits, examples) {
                let d = Double(row[0]) - Double(TaskTargets.value(example))
                loss += d * d
            }
            return Result(task: task, logits: logits, probabilities: probabilities, predictions: [],
                          labels: examples.map { _ in -1 }, loss: loss / n, accuracy: nil)
        }
    }
}

/// Turning examples' labels into the tensors each task's loss reads, and checking them first.
enum TaskTargets {
    /// Every example must carry a label of the task's kind, with class ids in 0..<labels.
    static func check(_ examples: [EncodedExample], task: TaskKind, labels L: Int) throws {
        for example in examples {
            switch (task, example.target) {
            case (.singleLabel, .classID(let id)?):
                guard (0..<L).contains(id) else { throw BertError(.argument, "label id \(id) is outside the classifier's 0..<\(L)") }
            case (.multiLabel, .classIDs(let ids)?):
                if let bad = ids.first(where: { !(0..<L).contains($0) }) {
                    throw BertError(.argument, "label id \(bad) is outside the classifier's 0..<\(L)")
                }
            case (.regression, .value(let value)?):
                guard value.isFinite else { throw BertError(.argument, "a regression target is \(value)") }
                guard L == 1 else { throw BertError(.argument, "regression needs a classifier with one output (it has \(L))") }
            default:
                let what = example.target.map { "\($0)" } ?? "no label"
                throw BertError(.argument, "the model's task is \(task.rawValue) but an example has \(what)")
            }
        }
    }

    /// (L) 1 for each class of a multi-label example, 0 elsewhere.
    static func multiHot(_ example: EncodedExample, labels L: Int) -> [Float] {
        var row = [Float](repeating: 0, count: L)
        if case .classIDs(let ids)? = example.target { for id in ids { row[id] = 1 } }
        return row
    }

    /// The regression target of an example.
    static func value(_ example: EncodedExample) -> Float {
        if case .value(let value)? = example.target { return Float(value) }
        return .nan
    }

    /// The loss's labels for a batch of checked examples.
    static func labels(_ examples: [EncodedExample], task: TaskKind, labels L: Int) -> BertLabels {
        switch task {
        case .singleLabel: .classes(examples.map { Int32($0.label) })
        case .multiLabel: .multiLabel(examples.flatMap { multiHot($0, labels: L) })
        case .regression: .regression(examples.map(value))
        }
    }
}
