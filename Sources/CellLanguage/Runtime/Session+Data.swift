import Bert
import Display
import Foundation
import TextDatasets

/// `load(dataset:...)`: the typed API behind the command.
extension Session {
    /// Loads a CSV, TSV or JSONL file (or `"demo"`), splits off a seeded, stratified validation
    /// fraction, and reads a separate test file.
    ///
    ///     let summary = try session.load(dataset: "reviews.csv", text: "review", label: "stars")
    ///
    /// With a model loaded, the two are aligned: a freshly initialised classifier takes the
    /// dataset's labels (resized if their count differs); a trained one (e.g. a saved model with
    /// `id2label`) keeps its labels and the dataset is renumbered to them. On any error the
    /// previous dataset stays loaded.
    @discardableResult
    public func load(dataset name: String, text: String = "text", label: String = "label", pair: String? = nil,
                     validation: Double = 0.1, test: String? = nil, limit: Int? = nil) throws -> DatasetSummary {
        guard validation.isFinite, validation >= 0, validation < 1 else {
            throw SessionError(.argument, "validation must be a fraction in [0, 1), e.g. 0.1; got \(Value.format(validation))",
                               argument: "validation")
        }
        if let limit, limit < 1 {
            throw SessionError(.argument, "limit must be a positive number of rows, got \(limit)", argument: "limit")
        }
        var data = try TextDataset.load(dataset: name, text: text, label: label, pair: pair, validation: validation,
                                        test: test, limit: limit)
        var note: String?
        var aligned: LoadedModel?
        if let model {
            do {
                let result = try align(model, data)
                (aligned, data, note) = (result.0, result.1, result.2)
            } catch let error as SessionError {
                note = "warning: " + error.message
            }
        }
        let check = try datasetCheck(data, maxLength: 128, tokenizer: (aligned ?? model)?.tokenizer)
        if let aligned, aligned !== model {
            setComponent(aligned)
            setComponent(nil, as: OptimizerState.self)
        }
        setComponent(LoadedDataset(data))
        return DatasetSummary(dataset: data, note: note, check: check)
    }

    /// Untruncated token counts (with `[CLS]`/`[SEP]`) of the training texts: from the last
    /// `train`, or computed now from the model's tokenizer (for `plot("lengths")` before training).
    public func tokenLengths() throws -> [Int] {
        let recorded = history.tokenLengths
        if !recorded.isEmpty { return recorded }
        let model = try requireModel()
        let data = try requireDataset().dataset
        var lengths: [Int] = []
        lengths.reserveCapacity(data.train.count)
        for (i, example) in data.train.enumerated() {
            if i % 256 == 0 { try checkInterrupt() }
            lengths.append(try model.tokenizer.encode(example.text, pair: example.pair).count)
        }
        return lengths
    }
}

/// What `load(dataset:)` shows: sizes and the label balance per split.
public struct DatasetSummary {
    public let dataset: TextDataset
    public let note: String?
    /// What `check()` finds (at maxLength 128), summarised in one line when there is anything.
    public let check: DatasetCheck?

    public init(dataset: TextDataset, note: String?, check: DatasetCheck? = nil) {
        self.dataset = dataset
        self.note = note
        self.check = check
    }

    /// "check() finds 2 empty texts, 3 duplicate rows; run check() for the lines", or nil.
    public var checkLine: String? {
        check?.oneLineSummary.map { "check() finds \($0); run check() for the lines" }
    }

    public var json: JSON {
        var object: [String: JSON] = [
            "name": .string(dataset.name), "task": .string(dataset.task.rawValue),
            "train": .int(dataset.train.count), "validation": .int(dataset.validation.count), "test": .int(dataset.test.count),
            "labels": JSON(dataset.labelMap.names), "note": note.map { .string($0) } ?? .null,
            "check": .object(Dictionary((check?.findings ?? []).map { ($0.kind.rawValue, JSON.int($0.count)) },
                                        uniquingKeysWith: { first, _ in first })),
        ]
        for split in TextDataset.Split.allCases {
            object["\(split.rawValue)_counts"] = JSON(dataset.labelCounts(in: split))
        }
        if let range = targetRange {
            object["target"] = ["column": .string(dataset.labelColumn), "min": .double(range.min), "mean": .double(range.mean),
                                "max": .double(range.max)]
        }
        return .object(object)
    }

    /// The spread of a regression dataset's targets over every split; nil for classification.
    var targetRange: (min: Double, mean: Double, max: Double)? {
        let values = TextDataset.Split.allCases.flatMap { dataset[$0] }.compactMap(\.label.value)
        guard dataset.task == .regression, let low = values.min(), let high = values.max() else { return nil }
        return (low, values.reduce(0, +) / Double(values.count), high)
    }

    public var bundle: MimeBundle {
        let d = dataset
        let counts = TextDataset.Split.allCases.map { d.labelCounts(in: $0) }
        var rows = d.labelMap.names.indices.map { id in
            [d.labelMap.names[id]] + counts.map { String($0[id]) }
        }
        rows.append(["total"] + TextDataset.Split.allCases.map { String(d[$0].count) })
        var caption = "\(d.name): \(d.train.count + d.validation.count + d.test.count) examples, "
            + (d.task == .multiLabel ? "\(d.labelMap.count) labels, several per example (multi-label)"
               : d.task == .regression ? "regression" : "\(d.labelMap.count) labels")
        if let range = targetRange {
            caption += " on \(d.labelColumn): min \(Value.format(range.min)), mean \(String(format: "%.4g", range.mean)), "
                + "max \(Value.format(range.max))"
        }
        var bundle = HTMLTable(columns: ["label", "train", "validation", "test"], rows: rows, caption: caption).bundle(json: json)
        for line in [note, checkLine].compactMap({ $0 }) {
            bundle.data["text/plain"] = .string((bundle.plainText ?? "") + "\n" + line)
            bundle.data["text/html"] = .string((bundle.data["text/html"]?.stringValue ?? "") + "<p>\(HTML.escape(line))</p>")
        }
        return bundle
    }
}
