import Display
import Foundation

/// What `nsp(a, b)` shows: how likely the model thinks B follows A.
public struct NextSentenceReport {
    public let first: String
    public let second: String
    /// `[CLS] A [SEP] B [SEP]` wordpieces and their token type (segment) ids: (T).
    public let tokens: [String]
    public let typeIds: [Int]
    /// (2) logits of `cls.seq_relationship`: IsNext, NotNext.
    public let logits: [Float]
    /// (2) their softmax.
    public let probabilities: [Double]
    public let notes: [String]

    public var isNextProbability: Double { probabilities[0] }
    public var verdict: String { probabilities[0] >= probabilities[1] ? "IsNext" : "NotNext" }

    public var json: JSON {
        .object([
            "first": .string(first), "second": .string(second), "tokens": JSON(tokens), "token_type_ids": JSON(typeIds),
            "logits": JSON(logits), "probabilities": .object(["IsNext": .double(probabilities[0]), "NotNext": .double(probabilities[1])]),
            "prediction": .string(verdict),
        ])
    }

    public var bundle: MimeBundle {
        let table = HTMLTable(columns: ["label", "probability", "logit"], rows: [
            ["IsNext (B follows A)", String(format: "%.4f", probabilities[0]), String(format: "%.4f", logits[0])],
            ["NotNext (B is unrelated)", String(format: "%.4f", probabilities[1]), String(format: "%.4f", logits[1])],
        ], rightAligned: [1, 2])
        var plain = table.plainText + "\nprediction: \(verdict)\n"
            + "segments: " + zip(tokens, typeIds).map { "\($0)/\($1)" }.joined(separator: " ")
        var html = table.html + "<p>prediction: <b>\(verdict)</b></p>" + SegmentChips.html(tokens: tokens, typeIds: typeIds)
        for note in notes {
            plain += "\nnote: " + note
            html += "<p><b>note:</b> \(HTML.escape(note))</p>"
        }
        return MimeBundle(plain: plain, html: html, json: json)
    }
}

/// Wordpieces as coloured chips, segment A (type 0) blue and segment B (type 1) orange, with the
/// token type id under each: how BERT tells the two sentences of a pair apart.
enum SegmentChips {
    static let colors = ["#dbe9f6", "#fde3c8"]

    static func html(tokens: [String], typeIds: [Int]) -> String {
        var out = "<div style=\"font-family: monospace; line-height: 2.2;\">"
        for (token, type) in zip(tokens, typeIds) {
            let color = colors[min(max(type, 0), colors.count - 1)]
            out += "<span style=\"display: inline-block; text-align: center; margin: 1px; padding: 0 4px; "
                + "background: \(color); border-radius: 3px;\">\(HTML.escape(token))"
                + "<br><small style=\"color: #555;\">\(type)</small></span>"
        }
        return out + "</div>"
    }
}
