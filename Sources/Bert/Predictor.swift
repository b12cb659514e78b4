import Foundation
import Numerics
import TextDatasets
import WordPiece

/// One text (or pair) encoded for the model, not padded: what the trainer and the evaluator
/// batch with dynamic padding.
///
///     EncodedExample(encoding, label: 2)                          // single-label, class 2
///     EncodedExample(encoding, target: .classIDs([0, 3]))         // multi-label
///     EncodedExample(encoding, target: .value(3.75))              // regression
public struct EncodedExample: Equatable {
    /// (T) token ids, `[CLS] ... [SEP]`
    public var ids: [Int32]
    /// (T) token type ids
    public var typeIds: [Int32]
    /// What the model should output: a class id, the set of classes (multi-label) or the value
    /// (regression), as the dataset decoded it; nil when the example has none (prediction).
    public var target: Label?

    public init(ids: [Int32], typeIds: [Int32], target: Label? = nil) {
        self.ids = ids
        self.typeIds = typeIds
        self.target = target
    }

    /// A single-label example of class `label` (-1: no label).
    public init(ids: [Int32], typeIds: [Int32], label: Int) {
        self.init(ids: ids, typeIds: typeIds, target: label >= 0 ? .classID(label) : nil)
    }

    public init(_ encoding: BertEncoding, target: Label? = nil) {
        self.init(ids: encoding.ids.map { Int32(truncatingIfNeeded: $0) },
                  typeIds: encoding.typeIds.map { Int32(truncatingIfNeeded: $0) }, target: target)
    }

    public init(_ encoding: BertEncoding, label: Int) {
        self.init(encoding, target: label >= 0 ? .classID(label) : nil)
    }

    /// The class id of a single-label example, -1 otherwise.
    public var label: Int { target?.classID ?? -1 }

    public var count: Int { ids.count }
}

/// Batched inference with dynamic padding: each batch is padded only to its longest sequence,
/// and batches are formed from examples sorted by length so little padding is computed.
///
///     let predictor = Predictor(network: network, tokenizer: tokenizer)
///     let examples = try predictor.encode(["great film", "dull"], maxLength: 128)
///     let logits = try predictor.logits(examples, batchSize: 32)   // (N, L)
public struct Predictor {
    public let network: BertNetwork
    public let tokenizer: BertTokenizer

    public init(network: BertNetwork, tokenizer: BertTokenizer) {
        self.network = network
        self.tokenizer = tokenizer
    }

    /// Encodes texts (and optional pairs), truncated to `maxLength` tokens with `longest_first`.
    /// - targets: the labels (one per text), or nil.
    public func encode(_ texts: [String], pairs: [String?]? = nil, targets: [Label?]? = nil,
                       maxLength: Int) throws -> [EncodedExample] {
        precondition(pairs == nil || pairs!.count == texts.count, "one pair per text")
        precondition(targets == nil || targets!.count == texts.count, "one label per text")
        return try texts.indices.map { i in
            EncodedExample(try tokenizer.encode(texts[i], pair: pairs?[i] ?? nil, maxLength: maxLength),
                           target: targets?[i])
        }
    }

    /// Pads `examples` to the longest of them with the tokenizer's `[PAD]` id (attention 0),
    /// rounded up to a multiple of `multiple` (transformers' `pad_to_multiple_of`) but never past
    /// `limit`. Padded keys are masked, so the results do not depend on the padding beyond float
    /// rounding. (The network reuses its activation arena across batch shapes, so no rounding is
    /// needed to avoid allocations.)
    public static func batch<C: Collection>(_ examples: C, paddingId: Int, multiple: Int = 1,
                                            limit: Int = .max) throws -> BertBatch where C.Element == EncodedExample {
        let longest = examples.map(\.count).max() ?? 0
        let T = max(longest, min(limit, (longest + multiple - 1) / max(1, multiple) * max(1, multiple)))
        let B = examples.count
        var ids = [Int32](repeating: Int32(truncatingIfNeeded: paddingId), count: B * T)
        var types = [Int32](repeating: 0, count: B * T)
        var mask = [Int32](repeating: 0, count: B * T)
        for (row, example) in examples.enumerated() {
            for t in 0..<example.count {
                ids[row * T + t] = example.ids[t]
                types[row * T + t] = example.typeIds[t]
                mask[row * T + t] = 1
            }
        }
        return try BertBatch(batchSize: B, sequenceLength: T, inputIds: ids, tokenTypeIds: types, attentionMask: mask)
    }

    /// Classifier logits (N, L) of `examples`, in their order, `batchSize` at a time (sorted by
    /// length so that each batch pads little). `checkInterrupt` runs before every batch.
    public func logits(_ examples: [EncodedExample], batchSize: Int,
                       checkInterrupt: () throws -> Void = {}) throws -> [[Float]] {
        try Self.logits(of: network, examples, paddingId: tokenizer.paddingTokenId, batchSize: batchSize,
                        checkInterrupt: checkInterrupt)
    }

    /// The same for any network (the evaluator has no tokenizer, only its padding id).
    ///
    /// With R > 1 processes (`ProcessGroups.world`) each rank computes the logits of its share of
    /// `examples` and a sum over the ranks gathers them (every other rank adds zeros, which is
    /// exact), so every rank returns all (N, L); a failure on any rank (an interrupt) is agreed
    /// first and thrown on every rank.
    static func logits(of network: BertNetwork, _ examples: [EncodedExample], paddingId: Int, batchSize: Int,
                       checkInterrupt: () throws -> Void) throws -> [[Float]] {
        let group = ProcessGroups.world
        guard group.size > 1 else {
            return try localLogits(of: network, examples, paddingId: paddingId, batchSize: batchSize,
                                   checkInterrupt: checkInterrupt)
        }
        guard network.heads.contains(.classifier) else {
            throw BertError(.argument, "the model has no classifier head")
        }
        let L = network.config.numLabels
        let share = group.share(of: examples.count)
        var mine: [[Float]] = []
        var failure: Error?
        do {
            mine = try localLogits(of: network, Array(examples[share]), paddingId: paddingId, batchSize: batchSize,
                                   checkInterrupt: checkInterrupt)
        } catch {
            failure = error
        }
        if try group.anyRank(failure != nil) { throw failure ?? StoppedOnAnotherRank("the predictions failed") }
        // (N · L) every example's logits, this rank's rows filled, the rest zero until summed.
        var all = [Float](repeating: 0, count: examples.count * L)
        for (row, logits) in mine.enumerated() {
            for c in 0..<L { all[(share.lowerBound + row) * L + c] = logits[c] }
        }
        try all.withMutableVectorView { try group.allreduceSum($0) }
        return (0..<examples.count).map { Array(all[($0 * L)..<(($0 + 1) * L)]) }
    }

    /// (N, L) logits of `examples` on this process alone.
    private static func localLogits(of network: BertNetwork, _ examples: [EncodedExample], paddingId: Int, batchSize: Int,
                                    checkInterrupt: () throws -> Void) throws -> [[Float]] {
        precondition(batchSize > 0, "batch size must be positive")
        guard network.heads.contains(.classifier) else {
            throw BertError(.argument, "the model has no classifier head")
        }
        let L = network.config.numLabels
        let order = examples.indices.sorted { examples[$0].count < examples[$1].count }
        var result = [[Float]](repeating: [], count: examples.count)
        var start = 0
        while start < order.count {
            try checkInterrupt()
            let indices = order[start..<min(start + batchSize, order.count)]
            let batch = try batch(indices.map { examples[$0] }, paddingId: paddingId,
                                  limit: network.config.maxPositionEmbeddings)
            let logits = try network.classificationLogits(batch)
            for (row, index) in indices.enumerated() {
                result[index] = Array(logits[(row * L)..<((row + 1) * L)])
            }
            start += batchSize
        }
        return result
    }

    /// softmax of one row, computed in Double (max subtracted, so it never overflows).
    public static func softmax(_ logits: [Float]) -> [Float] {
        guard let maximum = logits.max() else { return [] }
        let exps = logits.map { Foundation.exp(Double($0) - Double(maximum)) }
        let sum = exps.reduce(0, +)
        return exps.map { Float($0 / sum) }
    }

    /// The logistic function of each logit, computed in Double: each label's own probability in
    /// multi-label classification (`torch.sigmoid`, what `BCEWithLogitsLoss` applies).
    public static func sigmoid(_ logits: [Float]) -> [Float] {
        logits.map { Float(1 / (1 + Foundation.exp(-Double($0)))) }
    }

    /// What the logits mean for `task`: softmax over the labels (single-label), each label's
    /// sigmoid (multi-label), or nothing (regression: the one logit is the prediction).
    public static func probabilities(_ logits: [Float], task: TaskKind) -> [Float] {
        switch task {
        case .singleLabel: softmax(logits)
        case .multiLabel: sigmoid(logits)
        case .regression: []
        }
    }

    /// The arg-max (first on ties, as `torch.argmax`).
    public static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
