import Foundation
import Numerics

/// One optimizer step of `Trainer.run` and the frozen encoder's cached outputs it trains on:
/// the examples to batches (this rank's share of each with R processes), `TrainingStep.run`,
/// and the step's training accuracy.
extension Trainer {
    /// (C) per example: the frozen encoder's [CLS] output for each of `examples`, in order, from
    /// batches of 32 consecutive examples (a fixed batching, so a resumed run computes the same).
    /// `checkInterrupt` runs before each batch (with R > 1 processes the ranks' agreed check),
    /// `layerCheck` before each encoder layer of its forward pass.
    func encoderFeatures(_ examples: [EncodedExample], checkInterrupt: () throws -> Void,
                         layerCheck: () throws -> Void) throws -> [[Float]] {
        let C = network.config.hiddenSize
        var rows: [[Float]] = []
        rows.reserveCapacity(examples.count)
        for start in stride(from: 0, to: examples.count, by: 32) {
            try checkInterrupt()
            let chunk = Array(examples[start..<min(start + 32, examples.count)])
            let batch = try Predictor.batch(chunk, paddingId: paddingId, limit: network.config.maxPositionEmbeddings)
            let features = try network.encoderFeatures(batch, checkInterrupt: layerCheck)
            for b in chunk.indices { rows.append(Array(features[(b * C)..<((b + 1) * C)])) }
        }
        return rows
    }

    struct StepResult {
        let loss: Double
        let learningRate: Float
        let examples: Int
        /// Examples whose prediction was right (single-label: the arg-max; multi-label: every
        /// label's logit ≥ 0 exactly for its true labels; regression: 0).
        let correct: Int
    }

    /// One `TrainingStep.run` over the micro-batches (each padded to its longest example, as
    /// transformers' `padding=True`; rounding up to a multiple would only cost compute, arenas are
    /// reused across batch shapes), and the training accuracy from the logits it returns. Throws
    /// before the update on an interrupt or a non-finite number.
    /// - features: with a frozen encoder, each micro-batch's (B, C) cached encoder outputs
    func optimizerStep(_ microBatches: [[EncodedExample]], features: [[Float]]?,
                               checkInterrupt: () throws -> Void) throws -> StepResult {
        let L = network.config.numLabels
        let task = network.config.resolvedProblemType
        let error: (TrainingStep.NonFinite, Int) -> BertError = { reason, number in
            switch reason {
            case .loss:
                BertError(.numeric, "the training loss became non-finite at step \(number); training stopped "
                          + "and the weights of step \(number - 1) are kept (try a smaller lr or clip)")
            case .gradientNorm:
                BertError(.numeric, "the gradient norm became non-finite at step \(number); training stopped "
                          + "and the weights of step \(number - 1) are kept (try a smaller lr or clip)")
            }
        }
        // R > 1: this rank's share of each micro-batch (a micro-batch smaller than R leaves some
        // ranks none of it), and the share's part of the micro-batch's mean loss. Not with a
        // frozen encoder's cached features: there every rank takes the whole (cheap) head update,
        // the same on each, so the weights agree without a sum.
        let group = processGroup
        var share: TrainingStep.Share?
        // Slices keep their first row's index in the micro-batch: it keys the dropout masks
        // (`BertBatch.firstExample`).
        var mine = microBatches.map { $0[...] }
        if group.size > 1, features == nil {
            let weights = step.options.loss.classWeights
            func weight(_ examples: ArraySlice<EncodedExample>) -> Float {
                guard let weights else { return Float(examples.count) }
                var sum: Float = 0
                for example in examples { if case .classID(let id)? = example.target { sum += weights[id] } }
                return sum
            }
            var parts = TrainingStep.Share(group: group, microBatchCount: microBatches.count, indices: [], fractions: [])
            mine = []
            for (index, examples) in microBatches.enumerated() {
                let slice = examples[group.share(of: examples.count)]
                guard !slice.isEmpty else { continue }
                mine.append(slice)
                parts.indices.append(index)
                parts.fractions.append(weight(slice) / weight(examples[...]))
            }
            share = parts
        }
        let result: TrainingStep.Result
        if let features {
            result = try step.run(features: zip(features, microBatches).map { rows, examples in
                (rows, TaskTargets.labels(examples, task: task, labels: L))
            }, checkInterrupt: checkInterrupt, error: error)
        } else {
            let batches = try mine.map { examples in
                var batch = try Predictor.batch(examples, paddingId: paddingId, limit: network.config.maxPositionEmbeddings)
                batch.firstExample = examples.startIndex
                return (batch, TaskTargets.labels(Array(examples), task: task, labels: L))
            }
            result = try step.run(batches, share: share, checkInterrupt: checkInterrupt, error: error)
        }
        var examples = 0, correct = 0
        let lossSum = result.microLosses.reduce(0.0) { $0 + Double($1) }
        for (examplesOfBatch, micro) in zip(mine, result.microBatches) {
            let logits = micro.logits ?? []
            for (row, example) in examplesOfBatch.enumerated() {
                switch task {
                case .singleLabel:
                    var best = 0
                    for c in 1..<max(1, L) where logits[row * L + c] > logits[row * L + best] { best = c }
                    if best == example.label { correct += 1 }
                case .multiLabel:
                    let targets = TaskTargets.multiHot(example, labels: L)
                    if (0..<L).allSatisfy({ (logits[row * L + $0] >= 0) == (targets[$0] > 0.5) }) { correct += 1 }
                case .regression:
                    break
                }
            }
            examples += examplesOfBatch.count
        }
        if share != nil {
            let totals = try group.allreduceSum([Double(examples), Double(correct)])
            examples = Int(totals[0])
            correct = Int(totals[1])
        }
        return StepResult(loss: lossSum / Double(microBatches.count), learningRate: result.learningRate,
                          examples: examples, correct: correct)
    }
}
