import Display
import Foundation

/// What `nsp(corpus:, pairs:)` shows: NSP training pairs as BERT builds them from a corpus.
public struct NextSentencePairsReport {
    public struct Pair: Equatable {
        /// 0 = IsNext, 1 = NotNext.
        public let label: Int
        /// NotNext because A's chunk held a single sentence (no coin was tossed).
        public let forced: Bool
        public let first: String
        public let second: String
        /// "document 3, sentences 1-2" (1-based, as a reader counts).
        public let firstSource: String
        public let secondSource: String
        /// `[CLS] A [SEP] B [SEP]`: (T) wordpieces, ids, token type ids.
        public let tokens: [String]
        public let ids: [Int]
        public let typeIds: [Int]
        public let truncatedTokens: Int

        public var labelName: String { label == 0 ? "IsNext" : "NotNext" }
    }

    public let corpus: String
    public let documents: Int
    public let sentences: Int
    /// All pairs one pass over the corpus gave, and how many of them were IsNext.
    public let pairsBuilt: Int
    public let isNextCount: Int
    public let maxLength: Int
    public let seed: Int
    /// Where the vocabulary came from ("the loaded model's tokenizer", "a vocabulary built from the corpus").
    public let vocabulary: String
    public let pairs: [Pair]

    public var json: JSON {
        .object([
            "corpus": .string(corpus), "documents": .int(documents), "sentences": .int(sentences),
            "pairs_built": .int(pairsBuilt), "is_next": .int(isNextCount), "max_length": .int(maxLength), "seed": .int(seed),
            "vocabulary": .string(vocabulary),
            "pairs": .array(pairs.map { p in
                .object([
                    "label": .int(p.label), "label_name": .string(p.labelName), "forced_not_next": .bool(p.forced),
                    "first": .string(p.first), "second": .string(p.second), "first_source": .string(p.firstSource),
                    "second_source": .string(p.secondSource), "tokens": JSON(p.tokens), "input_ids": JSON(p.ids),
                    "token_type_ids": JSON(p.typeIds), "truncated_tokens": .int(p.truncatedTokens),
                ])
            }),
        ])
    }

    var intro: String {
        "\(corpus): \(documents) documents, \(sentences) sentences; one pass builds \(pairsBuilt) pairs, "
            + "\(isNextCount) IsNext and \(pairsBuilt - isNextCount) NotNext (maxLength \(maxLength), seed \(seed), "
            + "\(vocabulary)). IsNext: B is the text that follows A in its document. NotNext: B starts at a random "
            + "sentence of a random other document (50%, or always when A's chunk is a single sentence). "
            + "Token type ids: 0 for [CLS] A [SEP], 1 for B [SEP]."
    }

    var table: HTMLTable {
        HTMLTable(columns: ["#", "label", "segment A", "segment B", "A from", "B from"], rows: pairs.enumerated().map { k, p in
            ["\(k + 1)", p.labelName + (p.forced ? " (forced)" : ""), p.first, p.second, p.firstSource, p.secondSource]
        }, rightAligned: [0])
    }

    public var bundle: MimeBundle {
        var plain = intro + "\n" + table.plainText
        for (k, p) in pairs.enumerated() {
            plain += "\n#\(k + 1) " + zip(p.tokens, p.typeIds).map { "\($0)/\($1)" }.joined(separator: " ")
            if p.truncatedTokens > 0 { plain += "  (\(p.truncatedTokens) tokens truncated)" }
        }
        var html = "<p>\(HTML.escape(intro))</p>" + table.html
        for (k, p) in pairs.enumerated() {
            html += "<p style=\"margin-bottom: 0;\"><b>#\(k + 1) \(p.labelName)</b>"
                + (p.truncatedTokens > 0 ? " (\(p.truncatedTokens) tokens truncated to fit maxLength)" : "") + "</p>"
                + SegmentChips.html(tokens: p.tokens, typeIds: p.typeIds)
        }
        return MimeBundle(plain: plain, html: html, json: json)
    }
}
