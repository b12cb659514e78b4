import Display
import Foundation

/// What `mask` shows: for each predicted position, the model's top tokens with probabilities;
/// for the 15% / 80-10-10 recipe also which tokens were chosen and what each became.
public struct MaskReport {
    public struct Prediction: Equatable {
        public let token: String
        public let id: Int
        /// Softmax probability over the whole vocabulary.
        public let probability: Double
    }

    public struct Position: Equatable {
        /// Index in the encoded sequence ([CLS] is 0).
        public let position: Int
        /// The token before masking (nil for a `[MASK]` written in the text).
        public let original: String?
        /// What the recipe did: "mask" ([MASK]), "random" (a random token) or "unchanged"; nil
        /// for a `[MASK]` written in the text.
        public let action: String?
        /// The token the model read at this position.
        public let input: String
        /// Top predictions, most probable first.
        public let predictions: [Prediction]
        /// 1-based rank of the original token among all predictions (recipe only).
        public let originalRank: Int?
    }

    public let text: String
    /// The model's input, wordpieces after masking: (T).
    public let inputTokens: [String]
    /// True when the recipe chose the positions (the text had no `[MASK]`).
    public let recipeApplied: Bool
    public let seed: Int
    public let positions: [Position]
    /// Remarks (e.g. a randomly initialised MLM head).
    public let notes: [String]

    public var json: JSON {
        .object([
            "text": .string(text), "input_tokens": .array(inputTokens.map(JSON.string)), "recipe": .bool(recipeApplied),
            "seed": recipeApplied ? .int(seed) : .null,
            "positions": .array(positions.map { p in
                .object([
                    "position": .int(p.position), "original": p.original.map(JSON.string) ?? .null,
                    "action": p.action.map(JSON.string) ?? .null, "input": .string(p.input),
                    "original_rank": p.originalRank.map(JSON.int) ?? .null,
                    "predictions": .array(p.predictions.map {
                        .object(["token": .string($0.token), "id": .int($0.id), "probability": .double($0.probability)])
                    }),
                ])
            }),
        ])
    }

    /// One row per prediction (explicit `[MASK]`s) or one row per chosen token (recipe).
    var table: HTMLTable {
        if recipeApplied {
            let rows = positions.map { p -> [String] in
                let became: String
                switch p.action {
                case "mask"?: became = "[MASK] (80%)"
                case "random"?: became = "random: \(p.input) (10%)"
                default: became = "unchanged (10%)"
                }
                return ["\(p.position)", p.original ?? "", became,
                        p.predictions.map { "\($0.token) \(Self.percent($0.probability))" }.joined(separator: ", "),
                        p.originalRank.map(String.init) ?? ""]
            }
            return HTMLTable(columns: ["position", "chosen token", "became", "model's top predictions", "rank of original"],
                             rows: rows, caption: "input: " + inputTokens.joined(separator: " "), rightAligned: [0, 4])
        }
        var rows: [[String]] = []
        for (k, p) in positions.enumerated() {
            for (rank, prediction) in p.predictions.enumerated() {
                rows.append([rank == 0 ? "#\(k + 1) (position \(p.position))" : "", "\(rank + 1)", prediction.token,
                             String(format: "%.4f", prediction.probability)])
            }
        }
        return HTMLTable(columns: ["[MASK]", "rank", "token", "probability"], rows: rows,
                         caption: "input: " + inputTokens.joined(separator: " "), rightAligned: [1, 3])
    }

    public var bundle: MimeBundle {
        let table = self.table
        var plain = table.plainText
        var html = table.html
        if recipeApplied {
            let intro = "BERT's recipe chose \(positions.count) of the text's tokens (each with probability 15%; seed \(seed)); "
                + "the model predicts the original token at each chosen position."
            plain = intro + "\n" + plain
            html = "<p>\(HTML.escape(intro))</p>" + html
        }
        for note in notes {
            plain += "\nnote: " + note
            html += "<p><b>note:</b> \(HTML.escape(note))</p>"
        }
        return MimeBundle(plain: plain, html: html, json: json)
    }

    static func percent(_ p: Double) -> String { String(format: "%.1f%%", p * 100) }
}
