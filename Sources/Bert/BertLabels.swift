/// Training targets for one batch, one case per transformers loss.
public enum BertLabels: Equatable {
    /// (B) class ids: cross-entropy (`single_label_classification`); -100 ignores a row.
    case classes([Int32])
    /// (B, L) multi-hot targets in [0, 1]: BCE with logits (`multi_label_classification`).
    case multiLabel([Float])
    /// (B) targets: MSE on the single logit (`regression`, num_labels = 1).
    case regression([Float])
    /// (B, T) token ids at masked positions, -100 elsewhere: the MLM cross-entropy.
    case maskedLM([Int32])
    /// (B) 0 = IsNext, 1 = NotNext.
    case nextSentence([Int32])
    /// MLM + NSP, summed as `BertForPreTraining` does.
    case preTraining(maskedLM: [Int32], nextSentence: [Int32])

    /// The heads this loss reads.
    var heads: BertHeads {
        switch self {
        case .classes, .multiLabel, .regression: return .classifier
        case .maskedLM: return .maskedLM
        case .nextSentence: return .nextSentence
        case .preTraining: return [.maskedLM, .nextSentence]
        }
    }
}

/// Options of the classification cross-entropy.
public struct LossOptions: Equatable {
    /// (L) per-class weights (`torch.nn.CrossEntropyLoss(weight:)`), or nil.
    public var classWeights: [Float]?
    /// ε of `label_smoothing`, in [0, 1).
    public var labelSmoothing: Float
    /// For `.preTraining` labels on one rank of R (data-parallel `pretrain`): the fractions of
    /// the whole batch's MLM loss (this rank's masked positions / the batch's) and NSP loss (its
    /// rows / the batch's) that this rank's mean losses stand for; the two parts' gradients are
    /// scaled by them, so the sum over ranks is the one-process gradient. nil: the whole batch.
    public var preTrainingFractions: PreTrainingFractions?

    public init(classWeights: [Float]? = nil, labelSmoothing: Float = 0, preTrainingFractions: PreTrainingFractions? = nil) {
        self.classWeights = classWeights
        self.labelSmoothing = labelSmoothing
        self.preTrainingFractions = preTrainingFractions
    }

    /// Balanced class weights as scikit-learn's `compute_class_weight("balanced")`:
    /// n_samples / (n_classes · count(class)). A class without samples gets 1 (scikit-learn
    /// refuses it); it adds no term to the loss anyway.
    public static func balancedWeights(labels: [Int], classes: Int) -> [Float] {
        var counts = [Int](repeating: 0, count: classes)
        for y in labels where y >= 0 && y < classes { counts[y] += 1 }
        let n = Float(counts.reduce(0, +))
        return counts.map { $0 == 0 ? 1 : n / (Float(classes) * Float($0)) }
    }
}

/// A rank's share of a pre-training batch's two mean losses (`LossOptions.preTrainingFractions`).
public struct PreTrainingFractions: Equatable {
    public var maskedLM: Float
    public var nextSentence: Float
    public init(maskedLM: Float, nextSentence: Float) {
        self.maskedLM = maskedLM
        self.nextSentence = nextSentence
    }
}
