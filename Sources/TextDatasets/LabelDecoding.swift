/// Reading a label column: deciding the task from the training file's values, building the
/// label map, and turning each raw value into a `Label` (for the training and the test file).
///
/// The task, as `transformers` decides `problem_type` from the label type:
/// - any JSON array in the column -> multi-label (a scalar there counts as a one-element list);
/// - every value an integer literal (`0`, `-1`, `+3`) -> single-label, integer classes;
/// - every value a finite number, some not integers (`0.5`, `3.75`) -> regression;
/// - otherwise -> single-label, string classes.
/// Values are trimmed of surrounding whitespace; an empty value is a missing label.
struct LabelDecoding {
    let task: TaskKind
    let labelMap: LabelMap
    private let numericClasses: Bool

    /// Labels of the training file; decides the task and the map.
    init(trainingValues: [RawTable.Cell]) {
        let isMultiLabel = trainingValues.contains { if case .list = $0 { true } else { false } }
        let scalars = trainingValues.flatMap(Self.texts).filter { !$0.isEmpty }   // missing: reported later
        if isMultiLabel {
            let numeric = !scalars.isEmpty && scalars.allSatisfy { Int($0) != nil }
            task = .multiLabel
            numericClasses = numeric
            labelMap = LabelMap.sorted(scalars, numeric: numeric)
        } else if scalars.allSatisfy({ Int($0) != nil }) {
            task = .singleLabel
            numericClasses = true
            labelMap = LabelMap.sorted(scalars, numeric: true)
        } else if scalars.allSatisfy({ Double($0)?.isFinite == true }) {
            task = .regression
            numericClasses = false
            labelMap = LabelMap.sorted([String](), numeric: false)
        } else {
            task = .singleLabel
            numericClasses = false
            labelMap = LabelMap.sorted(scalars, numeric: false)
        }
    }

    /// The trimmed scalar texts of a cell (empty for missing or unsupported).
    static func texts(_ cell: RawTable.Cell) -> [String] {
        switch cell {
        case .text(let text): [trim(text)]
        case .list(let items): items.map(trim)
        case .missing, .unsupported: []
        }
    }

    static func trim(_ text: String) -> String {
        // Fast path: the first and last bytes are visible ASCII (Unicode property lookups
        // dominated loading SST-2's 60k labels).
        let utf8 = text.utf8
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return text
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// The outcome of decoding one value: the label, or why it has none.
    enum Outcome {
        case label(Label)
        case missing
        case unsupported(String)
        /// Class names not in the map (a test file's unseen labels).
        case unknown([String])
        /// A regression target that is not a number.
        case notANumber(String)
    }

    func decode(_ cell: RawTable.Cell) -> Outcome {
        switch cell {
        case .missing: return .missing
        case .unsupported(let kind): return .unsupported(kind)
        case .text(let raw):
            let text = Self.trim(raw)
            if text.isEmpty { return .missing }
            switch task {
            case .regression:
                guard let value = Double(text), value.isFinite else { return .notANumber(text) }
                return .label(.value(value))
            case .singleLabel:
                guard let id = classID(text) else { return .unknown([text]) }
                return .label(.classID(id))
            case .multiLabel:
                return decodeList([text])
            }
        case .list(let items):
            guard task == .multiLabel else { return .unsupported("a list (the training file has one label per example)") }
            return decodeList(items.map(Self.trim))
        }
    }

    private func classID(_ text: String) -> Int? {
        if numericClasses {
            guard let number = Int(text) else { return nil }
            return labelMap.id(of: String(number))
        }
        return labelMap.id(of: text)
    }

    private func decodeList(_ items: [String]) -> Outcome {
        var ids: [Int] = []
        var unknown: [String] = []
        for item in items where !item.isEmpty {
            if let id = classID(item) { ids.append(id) } else { unknown.append(item) }
        }
        guard unknown.isEmpty else { return .unknown(unknown) }
        return .label(.classIDs(Array(Set(ids)).sorted()))
    }
}
