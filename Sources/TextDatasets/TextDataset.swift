/// A labelled text dataset split into train, validation and test, with its label map.
///
///     let data = try TextDataset.load(dataset: "demo")
///     data.train.count; data.labelMap.names       // ["negative", "positive"]
///     data.labelCounts(in: .validation)            // [20, 20]
public struct TextDataset: Sendable {
    public enum Split: String, CaseIterable, Sendable {
        case train, validation, test
    }

    /// What it was loaded from ("demo", or the file path as given).
    public var name: String
    /// The test file, when one was given.
    public var testSource: String?
    public var task: TaskKind
    /// Class names <-> ids; empty for regression.
    public var labelMap: LabelMap
    /// The column names used (text, pair, label), for summaries and for `save`.
    public var textColumn: String
    public var pairColumn: String?
    public var labelColumn: String
    public var train: [Example]
    public var validation: [Example]
    public var test: [Example]
    /// The validation fraction and seed the split was made with.
    public var validationFraction: Double
    public var seed: UInt64

    public init(name: String, testSource: String? = nil, task: TaskKind, labelMap: LabelMap,
                textColumn: String = "text", pairColumn: String? = nil, labelColumn: String = "label",
                train: [Example], validation: [Example] = [], test: [Example] = [],
                validationFraction: Double = 0, seed: UInt64 = 42) {
        self.name = name
        self.testSource = testSource
        self.task = task
        self.labelMap = labelMap
        self.textColumn = textColumn
        self.pairColumn = pairColumn
        self.labelColumn = labelColumn
        self.train = train
        self.validation = validation
        self.test = test
        self.validationFraction = validationFraction
        self.seed = seed
    }

    /// The examples of `split`.
    public subscript(split: Split) -> [Example] {
        switch split {
        case .train: train
        case .validation: validation
        case .test: test
        }
    }

    /// Whether examples are text pairs.
    public var hasPair: Bool { pairColumn != nil }

    /// The number of examples of each class in `split`, indexed by label id (for the `labels`
    /// plot and the load summary). Multi-label examples count once for each of their classes;
    /// regression gives an empty array.
    public func labelCounts(in split: Split) -> [Int] {
        var counts = [Int](repeating: 0, count: labelMap.count)
        for example in self[split] {
            switch example.label {
            case .classID(let id): counts[id] += 1
            case .classIDs(let ids): for id in ids { counts[id] += 1 }
            case .value: break
            }
        }
        return counts
    }

    /// The same data with labels renumbered to `target` (a model's saved `id2label`), so that
    /// id `i` means the same class to the model and the data. Throws when the data has a class
    /// the target lacks.
    public func remapped(to target: LabelMap) throws -> TextDataset {
        guard task != .regression else { return self }
        let missing = labelMap.names.filter { target.id(of: $0) == nil }
        guard missing.isEmpty else {
            throw DatasetError.argument(
                "the dataset has label\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")) that the model's labels (\(target.names.map { "'\($0)'" }.joined(separator: ", "))) lack")
        }
        let newID = labelMap.names.map { target.id(of: $0)! }
        func convert(_ examples: [Example]) -> [Example] {
            examples.map { example in
                var copy = example
                switch example.label {
                case .classID(let id): copy.label = .classID(newID[id])
                case .classIDs(let ids): copy.label = .classIDs(ids.map { newID[$0] }.sorted())
                case .value: break
                }
                return copy
            }
        }
        var result = self
        result.labelMap = target
        result.train = convert(train)
        result.validation = convert(validation)
        result.test = convert(test)
        return result
    }

    /// A plain-text summary: sizes and the label balance per split.
    ///
    ///     demo: 300 examples, 2 labels (single_label_classification)
    ///       label     train  validation  test
    ///       negative    135          15     0
    public var summary: String {
        let sizes = Split.allCases.map { self[$0].count }
        var lines = ["\(name): \(sizes.reduce(0, +)) examples (train \(sizes[0]), validation \(sizes[1]), test \(sizes[2])), "
                     + (task == .regression ? "regression" : "\(labelMap.count) labels (\(task.rawValue))")]
        guard task != .regression else { return lines.joined(separator: "\n") }
        let counts = Split.allCases.map { labelCounts(in: $0) }
        let nameWidth = max(5, labelMap.names.map(\.count).max() ?? 0)
        func pad(_ text: String, _ width: Int, left: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + fill : fill + text
        }
        lines.append("  " + pad("label", nameWidth, left: true) + "  " + pad("train", 7, left: false)
                     + "  " + pad("validation", 10, left: false) + "  " + pad("test", 7, left: false))
        for (id, labelName) in labelMap.names.enumerated() {
            lines.append("  " + pad(labelName, nameWidth, left: true) + "  " + pad(String(counts[0][id]), 7, left: false)
                         + "  " + pad(String(counts[1][id]), 10, left: false) + "  " + pad(String(counts[2][id]), 7, left: false))
        }
        return lines.joined(separator: "\n")
    }
}
