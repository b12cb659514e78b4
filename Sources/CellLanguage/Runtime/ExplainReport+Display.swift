import Display
import Foundation

/// `explain`'s display: per explanation a heading, the coloured text, the completeness line,
/// the word table and (integrated gradients) the token table.
extension ExplainReport {
    public var bundle: MimeBundle {
        var plain: [String] = [], html = ""
        if let split = errorsOf {
            let intro = errorCount == 0 ? "no wrong predictions in the \(split) split: nothing to explain"
                : "the \(errorCount) most confidently wrong \(split) example\(errorCount == 1 ? "" : "s"), each explained for the label the model predicted"
            plain.append(intro)
            html += "<p>\(HTML.escape(intro))</p>"
        }
        for e in explanations {
            let heading = Self.heading(e)
            plain.append(heading)
            html += "<h4>\(HTML.escape(heading))</h4>"
            html += "<p style=\"line-height: 1.9\">" + Self.colouredText(e) + "</p>"
            if let line = Self.completeness(e) {
                plain.append(line)
                html += "<p>\(HTML.escape(line))</p>"
            }
            let scoreName = e.method == .occlusion ? "drop when masked" : "attribution"
            let wordTable = HTMLTable(columns: ["word", scoreName],
                                      rows: e.words.filter { !$0.special || e.method == .integratedGradients }
                                          .map { [$0.text, Self.number($0.score)] },
                                      caption: "per word" + (e.method == .occlusion ? "" : " (wordpieces summed)"), rightAligned: [1])
            plain.append(wordTable.plainText)
            html += wordTable.html
            if let scores = e.tokenScores {
                let tokenTable = HTMLTable(columns: ["position", "token", "attribution"],
                                           rows: e.tokens.indices.map { ["\($0)", e.tokens[$0], Self.number(scores[$0])] },
                                           caption: "per token", rightAligned: [0, 2])
                plain.append(tokenTable.plainText)
                html += "<details><summary>per token</summary>\(tokenTable.html)</details>"
            }
        }
        for warning in warnings {
            plain.append("warning: " + warning)
            html += "<p><b>warning:</b> \(HTML.escape(warning))</p>"
        }
        return MimeBundle(plain: plain.joined(separator: "\n\n"), html: html, json: json)
    }

    static func heading(_ e: Explanation) -> String {
        var text = "\"\(e.target)\""
        if let p = e.probability { text += String(format: " (probability %.3f)", p) } else { text += " " + number(e.value) }
        if let predicted = e.predicted, predicted != e.target { text += ", predicted \"\(predicted)\"" }
        if let truth = e.trueLabel { text += ", true label \"\(truth)\"" }
        switch e.method {
        case .integratedGradients:
            text += " - integrated gradients, \(e.integration!.steps) steps, baseline \(e.integration!.baseline.rawValue)"
        case .occlusion:
            text += " - occlusion: each word masked in turn"
        }
        return "explaining " + text + ": " + e.text + (e.pair.map { " / " + $0 } ?? "")
    }

    static func completeness(_ e: Explanation) -> String? {
        guard let i = e.integration, let gap = e.relativeGap else { return nil }
        return "completeness: the attributions sum to \(number(e.sum)); f(input) − f(baseline) = "
            + "\(number(i.inputValue)) − \(number(i.baselineValue)) = \(number(i.inputValue - i.baselineValue)) "
            + "(\(percent(gap)) apart)"
    }

    /// Words as spans: green for the target, red against, opacity by |score| / max |score|; the
    /// score in each span's title (shown on hover).
    static func colouredText(_ e: Explanation) -> String {
        let peak = e.words.map { abs($0.score) }.max() ?? 0
        return e.words.map { w in
            let share = peak > 0 ? abs(w.score) / peak : 0
            let colour = w.score >= 0 ? "0, 150, 0" : "210, 0, 0"
            return "<span title=\"\(number(w.score))\" style=\"background: rgba(\(colour), "
                + String(format: "%.2f", 0.65 * share) + "); padding: 1px 2px; border-radius: 3px\">"
                + HTML.escape(w.text) + "</span>"
        }.joined(separator: " ")
    }

    public var json: JSON {
        .object([
            "errors_of": errorsOf.map(JSON.string) ?? .null,
            "explanations": .array(explanations.map { e in
                var object: [(String, JSON)] = [
                    ("text", .string(e.text)), ("pair", e.pair.map(JSON.string) ?? .null),
                    ("method", .string(e.method.rawValue)), ("target", .string(e.target)),
                    ("target_index", .int(e.targetIndex)), ("predicted", e.predicted.map(JSON.string) ?? .null),
                    ("true_label", e.trueLabel.map(JSON.string) ?? .null),
                    ("probability", e.probability.map(JSON.double) ?? .null), ("logit", .double(e.value)),
                    ("tokens", .array(e.tokens.map(JSON.string))),
                    ("token_attributions", e.tokenScores.map { .array($0.map(JSON.double)) } ?? .null),
                    ("words", .array(e.words.map { w in
                        .object(["word": .string(w.text), "tokens": .array(w.tokens.map(JSON.int)), "score": .double(w.score)])
                    })),
                ]
                if let i = e.integration {
                    object.append(("completeness", .object([
                        "steps": .int(i.steps), "baseline": .string(i.baseline.rawValue),
                        "sum": .double(e.sum), "f_input": .double(i.inputValue), "f_baseline": .double(i.baselineValue),
                        "relative_gap": e.relativeGap.map { $0.isFinite ? JSON.double($0) : .null } ?? .null,
                        "suggested_steps": e.suggestedSteps.map(JSON.int) ?? .null,
                    ])))
                }
                return .object(Dictionary(uniqueKeysWithValues: object))
            }),
        ])
    }
}
