/// The problems of a loaded dataset worth fixing before training (`check()`), each with the
/// source lines where it occurs.
///
///     let check = DatasetCheck(try TextDataset.load(dataset: "reviews.csv"), maxLength: 128)
///     for finding in check.findings { print(finding.kind, finding.count, finding.places.prefix(5)) }
///
/// Findings (each only when there is something to report):
/// - `emptyText`: a text (or pair) empty or only whitespace;
/// - `duplicate` / `nearDuplicate`: rows of one split that repeat another row of that split
///   exactly / after lowercasing and collapsing whitespace (but not exactly);
/// - `leakage` / `nearLeakage`: a text in more than one of train, validation and test, exactly /
///   only after that normalisation, so the held-out score is inflated;
/// - `conflictingLabels`: the same text (normalised) with different labels (classification);
/// - `labelVariants`: class names equal once case, spaces and punctuation are dropped
///   ("Positive", "positive."), most likely typos of one class; integer classes are exempt;
/// - `rareClass`: a class with fewer than `rareCount` (5) examples or under `rareFraction`
///   (1%) of all examples;
/// - `truncated`: a text (with its pair, `[CLS]` and `[SEP]`) longer than `maxLength` tokens;
/// - `replacementCharacter`: U+FFFD in a text, what a decoder leaves for undecodable bytes.
///
/// Token counts come from `tokenCount` (the model's tokenizer); without one, from
/// `lowerBoundTokenCount`, which counts words and punctuation marks: every one is at least one
/// wordpiece, so a text it finds too long is too long for any BERT tokenizer.
public struct DatasetCheck: Sendable {
    /// A row of the dataset: its split and its 1-based line in the source file (the dataset file
    /// for train and validation, the test file for test).
    public struct Place: Hashable, Sendable, Comparable {
        public var split: TextDataset.Split
        public var line: Int

        public init(split: TextDataset.Split, line: Int) {
            self.split = split
            self.line = line
        }

        /// Dataset-file lines first, in line order, then test-file lines.
        public static func < (a: Place, b: Place) -> Bool {
            let (fileA, fileB) = (a.split == .test ? 1 : 0, b.split == .test ? 1 : 0)
            return fileA != fileB ? fileA < fileB : a.line < b.line
        }
    }

    public struct Finding: Sendable {
        public enum Kind: String, CaseIterable, Sendable {
            case emptyText = "empty_text"
            case duplicate = "duplicate"
            case nearDuplicate = "near_duplicate"
            case leakage = "leakage"
            case nearLeakage = "near_leakage"
            case conflictingLabels = "conflicting_labels"
            case labelVariants = "label_variants"
            case rareClass = "rare_class"
            case truncated = "truncated"
            case replacementCharacter = "replacement_character"

            /// What the finding is, as a table row's title.
            public var title: String {
                switch self {
                case .emptyText: "empty or whitespace-only texts"
                case .duplicate: "exact duplicates within a split"
                case .nearDuplicate: "duplicates after lowercasing and collapsing whitespace"
                case .leakage: "texts in more than one split (leakage)"
                case .nearLeakage: "texts in more than one split after lowercasing and collapsing whitespace"
                case .conflictingLabels: "the same text with different labels"
                case .labelVariants: "labels differing only in case, spaces or punctuation"
                case .rareClass: "rare classes"
                case .truncated: "texts longer than maxLength"
                case .replacementCharacter: "replacement characters (U+FFFD)"
                }
            }
        }

        public var kind: Kind
        /// How many: rows (empty, truncated, U+FFFD, the extra copies of duplicates), texts
        /// (leakage, conflicts), label names (variants) or classes (rare classes); `message` says which.
        public var count: Int
        /// One sentence with the count and its unit.
        public var message: String
        /// The rows concerned, one group per occurrence: a single row, or the rows that go
        /// together (the copies of one text, the rows of one label variant or rare class).
        public var groups: [[Place]]
        /// Per group, what it is about when the lines alone do not say (labels, tokens), else empty.
        public var notes: [String]

        /// Every row of every group, sorted.
        public var places: [Place] { groups.flatMap { $0 }.sorted() }
    }

    public static let rareCount = 5
    public static let rareFraction = 0.01

    public let findings: [Finding]
    public let exampleCount: Int
    public let maxLength: Int
    /// True when token counts came from a tokenizer, false for the lower bound.
    public let exactTokenCounts: Bool

    /// Counts tokens with `lowerBoundTokenCount`.
    public init(_ dataset: TextDataset, maxLength: Int = 128) {
        self.init(dataset, maxLength: maxLength, exact: false, tokenCount: Self.lowerBoundTokenCount)
    }

    /// Counts tokens with `tokenCount` (a tokenizer's length of the example, specials included).
    public init(_ dataset: TextDataset, maxLength: Int = 128, tokenCount: (Example) throws -> Int) rethrows {
        try self.init(dataset, maxLength: maxLength, exact: true, tokenCount: tokenCount)
    }

    private init(_ dataset: TextDataset, maxLength: Int, exact: Bool, tokenCount: (Example) throws -> Int) rethrows {
        self.maxLength = maxLength
        self.exactTokenCounts = exact
        var rows: [(place: Place, example: Example)] = []
        for split in TextDataset.Split.allCases {
            for example in dataset[split] { rows.append((Place(split: split, line: example.line), example)) }
        }
        exampleCount = rows.count
        var findings: [Finding] = []
        func add(_ kind: Finding.Kind, _ count: Int, _ message: String, _ groups: [[Place]], notes: [String] = []) {
            guard count > 0 else { return }
            let order = groups.indices.sorted { (groups[$0].min() ?? Place(split: .train, line: 0)) < (groups[$1].min() ?? Place(split: .train, line: 0)) }
            findings.append(Finding(kind: kind, count: count, message: message, groups: order.map { groups[$0].sorted() },
                                    notes: notes.isEmpty ? [] : order.map { notes[$0] }))
        }
        func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
            "\(n) " + (n == 1 ? word : plural ?? word + "s")
        }

        // Empty texts and replacement characters.
        let blank = rows.filter { row in
            Self.isBlank(row.example.text) || (dataset.hasPair && Self.isBlank(row.example.pair ?? ""))
        }
        add(.emptyText, blank.count, "\(plural(blank.count, "text")) \(blank.count == 1 ? "is" : "are") empty or only whitespace",
            blank.map { [$0.place] })
        let replaced = rows.filter { row in
            row.example.text.unicodeScalars.contains("\u{FFFD}") || (row.example.pair?.unicodeScalars.contains("\u{FFFD}") ?? false)
        }
        add(.replacementCharacter, replaced.count,
            "\(plural(replaced.count, "text")) \(replaced.count == 1 ? "holds" : "hold") U+FFFD, the mark of bytes that could not be decoded "
                + "(the file was converted from another encoding with errors replaced)",
            replaced.map { [$0.place] })

        // Duplicates, within a split and across splits.
        let exactKeys = rows.map { Self.key($0.example.text, $0.example.pair) }
        let normalizedKeys = rows.map { Self.key(Self.normalize($0.example.text), $0.example.pair.map(Self.normalize)) }
        var rowsOfNormalized: [String: [Int]] = [:]
        for (i, key) in normalizedKeys.enumerated() { rowsOfNormalized[key, default: []].append(i) }
        var exactGroups: [[Int]] = []
        var nearGroups: [[Int]] = []
        var leakGroups: [[Int]] = []
        var nearLeakGroups: [[Int]] = []
        for (_, members) in rowsOfNormalized where members.count > 1 {
            var bySplit: [TextDataset.Split: [Int]] = [:]
            for i in members { bySplit[rows[i].place.split, default: []].append(i) }
            for (_, inSplit) in bySplit where inSplit.count > 1 {
                var byExact: [String: [Int]] = [:]
                for i in inSplit { byExact[exactKeys[i], default: []].append(i) }
                for (_, same) in byExact where same.count > 1 { exactGroups.append(same) }
                if byExact.count > 1 { nearGroups.append(inSplit) }
            }
            guard bySplit.count > 1 else { continue }
            var splitsOfExact: [String: Set<TextDataset.Split>] = [:]
            var rowsOfExact: [String: [Int]] = [:]
            for i in members {
                splitsOfExact[exactKeys[i], default: []].insert(rows[i].place.split)
                rowsOfExact[exactKeys[i], default: []].append(i)
            }
            let leaking = splitsOfExact.filter { $0.value.count > 1 }
            if leaking.isEmpty {
                nearLeakGroups.append(members)
            } else {
                for key in leaking.keys { leakGroups.append(rowsOfExact[key]!) }
            }
        }
        func places(_ groups: [[Int]]) -> [[Place]] { groups.map { $0.map { rows[$0].place } } }
        let extraExact = exactGroups.reduce(0) { $0 + $1.count - 1 }
        add(.duplicate, extraExact, "\(plural(extraExact, "row")) \(extraExact == 1 ? "repeats" : "repeat") another row of the same split "
                + "(\(plural(exactGroups.count, "text")) with copies)", places(exactGroups))
        let extraNear = nearGroups.reduce(0) { $0 + $1.count - 1 }
        add(.nearDuplicate, extraNear, "\(plural(extraNear, "row")) \(extraNear == 1 ? "repeats" : "repeat") another row of the same split "
                + "once case and spacing are ignored (\(plural(nearGroups.count, "group")))", places(nearGroups))
        func splitNames(_ group: [Int]) -> String {
            let splits = Set(group.map { rows[$0].place.split })
            return TextDataset.Split.allCases.filter(splits.contains).map(\.rawValue).joined(separator: "/")
        }
        add(.leakage, leakGroups.count, "\(plural(leakGroups.count, "text")) \(leakGroups.count == 1 ? "is" : "are") in more than one split, "
                + "so the held-out scores are measured partly on training data", places(leakGroups),
            notes: leakGroups.map(splitNames))
        add(.nearLeakage, nearLeakGroups.count, "\(plural(nearLeakGroups.count, "text")) \(nearLeakGroups.count == 1 ? "is" : "are") in more "
                + "than one split once case and spacing are ignored", places(nearLeakGroups), notes: nearLeakGroups.map(splitNames))

        // The same text with different labels.
        if dataset.task != .regression {
            var conflicts: [[Int]] = []
            var conflictNotes: [String] = []
            for (_, members) in rowsOfNormalized where members.count > 1 {
                let labels = Set(members.map { rows[$0].example.label })
                guard labels.count > 1 else { continue }
                conflicts.append(members)
                var names: [String] = []
                for i in members {
                    let name = Self.labelText(rows[i].example.label, dataset.labelMap)
                    if !names.contains(name) { names.append(name) }
                }
                conflictNotes.append(names.joined(separator: " vs "))
            }
            add(.conflictingLabels, conflicts.count, "\(plural(conflicts.count, "text")) \(conflicts.count == 1 ? "has" : "have") "
                    + "different labels on different rows", places(conflicts), notes: conflictNotes)
        }

        // Label variants and rare classes.
        if dataset.task != .regression {
            let names = dataset.labelMap.names
            var rowsOfClass = [[Int]](repeating: [], count: names.count)
            for (i, row) in rows.enumerated() {
                switch row.example.label {
                case .classID(let id): rowsOfClass[id].append(i)
                case .classIDs(let ids): for id in ids { rowsOfClass[id].append(i) }
                case .value: break
                }
            }
            var classesOfKey: [String: [Int]] = [:]
            for (id, name) in names.enumerated() where Int(name) == nil {
                classesOfKey[Self.labelKey(name), default: []].append(id)
            }
            var variantGroups: [[Int]] = []
            var variantNotes: [String] = []
            var variantCount = 0
            for (_, ids) in classesOfKey where ids.count > 1 {
                // The most frequent spelling is taken for the intended one; the rows of the others are listed.
                let ranked = ids.sorted { (rowsOfClass[$0].count, names[$1]) > (rowsOfClass[$1].count, names[$0]) }
                for id in ranked.dropFirst() {
                    variantGroups.append(rowsOfClass[id])
                    variantNotes.append("'\(names[id])' (\(plural(rowsOfClass[id].count, "row"))) looks like '\(names[ranked[0]])' "
                                        + "(\(plural(rowsOfClass[ranked[0]].count, "row")))")
                    variantCount += 1
                }
            }
            add(.labelVariants, variantCount, "\(plural(variantCount, "label")) \(variantCount == 1 ? "differs" : "differ") from another "
                    + "only in case, spaces or punctuation, most likely a typo of it", places(variantGroups), notes: variantNotes)

            var rareGroups: [[Int]] = []
            var rareNotes: [String] = []
            for (id, name) in names.enumerated() {
                let n = rowsOfClass[id].count
                guard n < Self.rareCount || Double(n) < Self.rareFraction * Double(rows.count) else { continue }
                rareGroups.append(rowsOfClass[id])
                let percent = rows.isEmpty ? 0 : 100 * Double(n) / Double(rows.count)
                let perSplit = TextDataset.Split.allCases.map { split in
                    "\(split.rawValue) \(rowsOfClass[id].filter { rows[$0].place.split == split }.count)"
                }.joined(separator: ", ")
                rareNotes.append("'\(name)': \(plural(n, "example")) (\(Self.formatPercent(percent)); \(perSplit))")
            }
            add(.rareClass, rareGroups.count, "\(plural(rareGroups.count, "class", "classes")) \(rareGroups.count == 1 ? "has" : "have") "
                    + "fewer than \(Self.rareCount) examples or under \(Self.formatPercent(100 * Self.rareFraction)) of the data, "
                    + "too few to learn or to measure", places(rareGroups), notes: rareNotes)
        }

        // Truncation.
        var long: [(Int, Int)] = []
        for (i, row) in rows.enumerated() {
            let count = try tokenCount(row.example)
            if count > maxLength { long.append((i, count)) }
        }
        let longest = long.map(\.1).max() ?? 0
        add(.truncated, long.count, (exact ? "" : "at least ") + "\(plural(long.count, "text")) \(long.count == 1 ? "is" : "are") "
                + "longer than maxLength \(maxLength) tokens and would be cut (the longest "
                + (!exact ? "has at least \(longest) tokens, counting words and punctuation; load a model for exact counts)"
                                     : "has \(longest) tokens)")
                + (WindowSuggestion.text(cut: long.count, of: rows.count, maxLength: maxLength).map { "; " + $0 } ?? ""),
            long.map { [rows[$0.0].place] }, notes: long.map { "\($0.1) tokens" })

        let order = Finding.Kind.allCases
        self.findings = findings.sorted { order.firstIndex(of: $0.kind)! < order.firstIndex(of: $1.kind)! }
    }

    /// The findings' kinds and counts in one line, e.g. "2 empty texts, 3 duplicate rows";
    /// nil when there is nothing.
    public var oneLineSummary: String? {
        guard !findings.isEmpty else { return nil }
        return findings.map { finding in
            let n = finding.count
            switch finding.kind {
            case .emptyText: return "\(n) empty text\(n == 1 ? "" : "s")"
            case .duplicate: return "\(n) duplicate row\(n == 1 ? "" : "s")"
            case .nearDuplicate: return "\(n) near-duplicate row\(n == 1 ? "" : "s")"
            case .leakage: return "\(n) text\(n == 1 ? "" : "s") in more than one split"
            case .nearLeakage: return "\(n) near-duplicate text\(n == 1 ? "" : "s") across splits"
            case .conflictingLabels: return "\(n) text\(n == 1 ? "" : "s") with conflicting labels"
            case .labelVariants: return "\(n) label\(n == 1 ? "" : "s") that look\(n == 1 ? "s" : "") like a typo"
            case .rareClass: return "\(n) rare class\(n == 1 ? "" : "es")"
            case .truncated: return (exactTokenCounts ? "" : "at least ") + "\(n) text\(n == 1 ? "" : "s") over \(maxLength) tokens"
            case .replacementCharacter: return "\(n) text\(n == 1 ? "" : "s") with U+FFFD"
            }
        }.joined(separator: ", ")
    }

    // MARK: helpers

    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value == 0x20 || (0x09...0x0D).contains($0.value) || ($0.value >= 0x80 && $0.properties.isWhitespace) }
    }

    /// Lowercased, runs of whitespace made one space, trimmed.
    public static func normalize(_ text: String) -> String {
        // ASCII fast path (SST-2's 67k texts: Character-wise splitting took most of load's time).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            var pendingSpace = false
            for byte in text.utf8 {
                if byte == 0x20 || (0x09...0x0D).contains(byte) {
                    pendingSpace = !bytes.isEmpty
                    continue
                }
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func key(_ text: String, _ pair: String?) -> String {
        pair.map { text + "\u{1F}" + $0 } ?? text
    }

    /// A class name with case, whitespace and punctuation removed.
    static func labelKey(_ name: String) -> String {
        String(String.UnicodeScalarView(name.lowercased().unicodeScalars.filter { scalar in
            !scalar.properties.isWhitespace && !Self.isPunctuation(scalar)
        }))
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// BERT's `_is_punctuation`: every non-alphanumeric ASCII mark, and Unicode's P* categories.
    static func isBertPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func labelText(_ label: Label, _ map: LabelMap) -> String {
        switch label {
        case .classID(let id): return "'\(map.name(of: id))'"
        case .classIDs(let ids): return "[" + ids.map { "'\(map.name(of: $0))'" }.joined(separator: ", ") + "]"
        case .value(let value): return "\(value)"
        }
    }

    static func formatPercent(_ percent: Double) -> String {
        percent >= 10 || percent == percent.rounded() ? "\(Int(percent.rounded()))%" : "\((percent * 10).rounded() / 10)%"
    }

    /// A lower bound on the wordpieces of an example with `[CLS]`/`[SEP]`: BERT's basic
    /// tokenizer splits at whitespace and around every punctuation mark and CJK character, and
    /// each piece becomes one wordpiece or more.
    public static func lowerBoundTokenCount(_ example: Example) -> Int {
        func pieces(_ text: String) -> Int {
            var count = 0
            var inWord = false
            for scalar in text.unicodeScalars {
                let v = scalar.value
                if v < 0x80 {
                    // ASCII without property lookups: whitespace, punctuation, or part of a word.
                    if v == 0x20 || (0x09...0x0D).contains(v) {
                        inWord = false
                    } else if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
                        count += 1
                        inWord = false
                    } else if !inWord {
                        count += 1
                        inWord = true
                    }
                    continue
                }
                if scalar.properties.isWhitespace {
                    inWord = false
                } else if isBertPunctuation(scalar) || (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value) {
                    count += 1
                    inWord = false
                } else if !inWord {
                    count += 1
                    inWord = true
                }
            }
            return count
        }
        return pieces(example.text) + 2 + (example.pair.map { pieces($0) + 1 } ?? 0)
    }
}
