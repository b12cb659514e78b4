/// What a label column holds, named as `transformers`' `config.problem_type` names it
/// (`BertForSequenceClassification` picks its loss from this).
public enum TaskKind: String, Sendable, Equatable {
    /// One class per example: integer or string labels. Cross-entropy.
    case singleLabel = "single_label_classification"
    /// A list of classes per example (JSON arrays). Binary cross-entropy per class.
    case multiLabel = "multi_label_classification"
    /// A real number per example (float labels). Mean squared error.
    case regression = "regression"
}

/// The label of one example, already mapped through the dataset's `LabelMap`.
public enum Label: Hashable, Sendable {
    /// The class id, in `0..<labelMap.count`.
    case classID(Int)
    /// The class ids present (sorted, unique), for multi-label data.
    case classIDs([Int])
    /// The regression target.
    case value(Double)

    /// The class id of a single-label example, nil otherwise.
    public var classID: Int? {
        if case .classID(let id) = self { return id }
        return nil
    }

    /// The class ids of a multi-label example, nil otherwise.
    public var classIDs: [Int]? {
        if case .classIDs(let ids) = self { return ids }
        return nil
    }

    /// The target of a regression example, nil otherwise.
    public var value: Double? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// One labelled text (or text pair).
///
///     Example(text: "The soup was cold.", label: .classID(0))
public struct Example: Hashable, Sendable {
    public var text: String
    /// The second segment of a pair task (NLI, paraphrase), nil for single texts.
    public var pair: String?
    public var label: Label
    /// The 1-based line of the source file where the example starts (for the embedded demo
    /// data, its line in the same table written as CSV with a header), so that a listing of
    /// mistakes can point back into the file. 0 when unknown.
    public var line: Int

    public init(text: String, pair: String? = nil, label: Label, line: Int = 0) {
        self.text = text
        self.pair = pair
        self.label = label
        self.line = line
    }
}
