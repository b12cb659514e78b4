import Bert
import Display
import Foundation
import TextDatasets
import WordPiece

/// What `load(model:)` shows: the architecture, the heads and the load report.
public struct ModelSummary {
    public let model: LoadedModel
    /// Label alignment with the loaded dataset, or a warning about it.
    public let note: String?

    public var rows: [[String]] {
        let c = model.config
        var rows: [[String]] = [
            ["model", model.source],
            ["directory", model.directory?.path ?? "(built in the session)"],
            ["layers", "\(c.numHiddenLayers)"], ["hidden size", "\(c.hiddenSize)"],
            ["attention heads", "\(c.numAttentionHeads)"], ["vocabulary", "\(c.vocabSize)"],
            ["max positions", "\(c.maxPositionEmbeddings)"], ["parameters", Self.grouped(model.network.parameterCount)],
            ["heads present", model.network.heads.description], ["labels", model.labelNames.joined(separator: ", ")],
        ]
        if model.hasClassifier { rows.append(["task", c.resolvedProblemType.rawValue]) }
        if let report = model.report {
            rows.append(["newly initialised", report.initialized.isEmpty ? "nothing" : Self.summarize(report.initialized)])
            rows.append(["unused in checkpoint", report.unexpected.isEmpty ? "nothing" : Self.summarize(report.unexpected)])
        }
        if let note { rows.append(["note", note]) }
        return rows
    }

    public var json: JSON {
        let c = model.config
        return [
            "model": .string(model.source), "directory": model.directory.map { .string($0.path) } ?? .null,
            "layers": .int(c.numHiddenLayers), "hidden_size": .int(c.hiddenSize), "heads": .int(c.numAttentionHeads),
            "vocab_size": .int(c.vocabSize), "max_position_embeddings": .int(c.maxPositionEmbeddings),
            "parameters": .int(model.network.parameterCount), "model_heads": .string(model.network.heads.description),
            "labels": JSON(model.labelNames), "classifier_fresh": .bool(model.classifierIsFresh),
            "task": model.hasClassifier ? .string(c.resolvedProblemType.rawValue) : .null,
            "initialized": JSON(model.report?.initialized ?? []), "unused": JSON(model.report?.unexpected ?? []),
            "note": note.map { .string($0) } ?? .null,
        ]
    }

    public var bundle: MimeBundle {
        HTMLTable(columns: ["", ""], rows: rows, caption: "BERT model", rightAligned: []).bundle(json: json)
    }

    /// Tensor names grouped by module: `classifier, bert.pooler (4 tensors)`.
    static func summarize(_ names: [String]) -> String {
        var groups: [String] = []
        for name in names {
            let parts = name.split(separator: ".").dropLast().prefix(2)
            let group = parts.joined(separator: ".")
            if !groups.contains(group) { groups.append(group) }
        }
        return groups.joined(separator: ", ") + " (\(names.count) tensors)"
    }

    /// 22713216 -> "22,713,216"
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }
}

/// What `tokenize` shows: one row per wordpiece, coloured by the word it came from.
public struct TokenizationReport {
    public let encoding: BertEncoding
    /// The length before truncation (with `[CLS]`/`[SEP]`).
    public let untruncatedCount: Int
    public let maxLength: Int

    public var truncated: Bool { untruncatedCount > encoding.count }

    public var json: JSON {
        [
            "tokens": JSON(encoding.tokens), "input_ids": JSON(encoding.ids), "token_type_ids": JSON(encoding.typeIds),
            "attention_mask": JSON(encoding.attentionMask),
            "word_ids": .array(encoding.wordIds.map { $0.map { .int($0) } ?? .null }),
            "length": .int(encoding.count), "untruncated_length": .int(untruncatedCount), "max_length": .int(maxLength),
        ]
    }

    public var bundle: MimeBundle {
        let e = encoding
        let rows = (0..<e.count).map { i in
            [String(i), e.tokens[i], String(e.ids[i]), String(e.typeIds[i]), String(e.attentionMask[i]),
             e.wordIds[i].map(String.init) ?? "-"]
        }
        let table = HTMLTable(columns: ["#", "token", "id", "type", "mask", "word"], rows: rows)
        var plain = "\(e.count) tokens" + (truncated ? " (truncated from \(untruncatedCount) to maxLength \(maxLength))" : "")
        plain += "\n" + table.plainText
        // Wordpieces as chips, one colour per word (special tokens grey), then the table.
        let palette = ["#ffe0b2", "#c8e6c9", "#bbdefb", "#f8bbd0", "#d1c4e9", "#fff9c4", "#b2dfdb", "#ffccbc"]
        var chips = "<div style=\"line-height: 2em; font-family: monospace;\">"
        for i in 0..<e.count {
            let colour = e.wordIds[i].map { palette[$0 % palette.count] } ?? "#e0e0e0"
            chips += "<span title=\"id \(e.ids[i]), type \(e.typeIds[i])\" style=\"background: \(colour); padding: 2px 4px; "
                + "margin: 1px; border-radius: 3px;\">\(HTML.escape(e.tokens[i]))</span>"
        }
        chips += "</div>"
        let caption = "<p>\(e.count) tokens" + (truncated ? " (truncated from \(untruncatedCount))" : "") + "</p>"
        return MimeBundle(plain: plain, html: caption + chips + table.html, json: json)
    }
}

/// What `predict` shows: per text the prediction of the model's task (a label, a set of labels,
/// a value), the probabilities and the logits.
public struct PredictionReport {
    public struct Item {
        public let text: String
        /// The predicted class ids: the arg-max (single-label), every class whose sigmoid is at
        /// least 0.5 (multi-label, possibly none); empty for regression.
        public let labelIDs: [Int]
        /// Their names.
        public let labels: [String]
        /// (L) softmax (single-label) or sigmoid (multi-label) of the logits; empty for regression
        public let probabilities: [Float]
        /// (L)
        public let logits: [Float]
        /// The predicted value (regression), nil otherwise.
        public let value: Double?
        /// The predicted label of a single-label model, nil for the other tasks.
        public let label: String?
    }

    public let task: TaskKind
    public let labelNames: [String]
    public let items: [Item]

    public var json: JSON {
        [
            "task": .string(task.rawValue),
            "labels": JSON(labelNames),
            "predictions": .array(items.map { item in
                var object: [String: JSON] = ["text": .string(item.text), "logits": JSON(item.logits)]
                switch task {
                case .singleLabel:
                    object["label"] = .string(item.labels[0])
                    object["label_id"] = .int(item.labelIDs[0])
                    object["probabilities"] = JSON(item.probabilities)
                case .multiLabel:
                    object["labels"] = JSON(item.labels)
                    object["label_ids"] = JSON(item.labelIDs)
                    object["probabilities"] = JSON(item.probabilities)
                case .regression:
                    object["value"] = item.value.map { .double($0) } ?? .null
                }
                return .object(object)
            }),
        ]
    }

    public var bundle: MimeBundle {
        let columns: [String]
        let rows: [[String]]
        let logits = { (item: Item) in item.logits.map { String(format: "%.4f", $0) }.joined(separator: ", ") }
        let probabilities = { (item: Item) in item.probabilities.map { String(format: "%.4f", $0) } }
        switch task {
        case .singleLabel:
            columns = ["text", "label"] + labelNames.map { "p(\($0))" } + ["logits"]
            rows = items.map { [Self.shorten($0.text), $0.labels[0]] + probabilities($0) + [logits($0)] }
        case .multiLabel:
            columns = ["text", "labels (p ≥ \(EvaluationReport.threshold))"] + labelNames.map { "p(\($0))" } + ["logits"]
            rows = items.map { item in
                let names = item.labels
                return [Self.shorten(item.text), names.isEmpty ? "(none)" : names.joined(separator: ", ")]
                    + probabilities(item) + [logits(item)]
            }
        case .regression:
            columns = ["text", "value"]
            rows = items.map { [Self.shorten($0.text), String(format: "%.4f", $0.value ?? .nan)] }
        }
        return HTMLTable(columns: columns, rows: rows).bundle(json: json)
    }

    static func shorten(_ text: String, to limit: Int = 80) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }
}
