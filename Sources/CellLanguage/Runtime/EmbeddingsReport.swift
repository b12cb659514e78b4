import Bert
import Display
import Foundation
import WordPiece

/// What `embeddings(text)` shows: BERT's input representation, token by token, as the sum of
/// three learned vectors, then LayerNorm (transformers `BertEmbeddings.forward`):
///
///     e[t] = LayerNorm(word[id[t]] + position[t] + segment[typeId[t]])
///
/// Each vector is shown by its first `dims` components and its length (2-norm).
public struct EmbeddingsReport {
    public struct Row: Equatable {
        public let position: Int
        public let token: String
        public let id: Int
        public let typeId: Int
        /// (C) each: the three table rows, their sum, and the LayerNorm output.
        public let word: [Float]
        public let positionVector: [Float]
        public let segment: [Float]
        public let sum: [Float]
        public let normalized: [Float]
    }

    public let text: String
    public let pair: String?
    public let hiddenSize: Int
    public let dims: Int
    public let rows: [Row]

    /// The rows from the network's own embedding forward (`BertNetwork.embeddingBreakdown`).
    /// - encoding: the encoded text (T tokens)
    init(text: String, pair: String?, encoding: BertEncoding, network: BertNetwork, dims: Int) throws {
        let C = network.config.hiddenSize
        let pieces = try network.embeddingBreakdown(ids: encoding.ids, typeIds: encoding.typeIds)
        rows = pieces.enumerated().map { t, piece in
            Row(position: t, token: encoding.tokens[t], id: encoding.ids[t], typeId: encoding.typeIds[t], word: piece.word,
                positionVector: piece.position, segment: piece.segment, sum: piece.sum, normalized: piece.normalized)
        }
        self.text = text
        self.pair = pair
        self.hiddenSize = C
        self.dims = min(dims, C)
    }

    static func norm(_ v: [Float]) -> Float { v.map { $0 * $0 }.reduce(0, +).squareRoot() }

    private func short(_ v: [Float]) -> String {
        "[" + v.prefix(dims).map { String(format: "%+.3f", $0) }.joined(separator: ", ") + (v.count > dims ? ", …]" : "]")
            + String(format: " |%.2f|", Self.norm(v))
    }

    var table: HTMLTable {
        HTMLTable(columns: ["pos", "token", "id", "type", "token embedding", "+ position embedding", "+ segment embedding",
                            "= sum", "LayerNorm(sum)"],
                  rows: rows.map { r in
                      ["\(r.position)", r.token, "\(r.id)", "\(r.typeId)", short(r.word), short(r.positionVector), short(r.segment),
                       short(r.sum), short(r.normalized)]
                  }, rightAligned: [0, 2, 3])
    }

    var intro: String {
        "BERT's input for each token is the sum of three learned vectors of \(hiddenSize) numbers: the token's embedding "
            + "(word_embeddings[id]), its position's (position_embeddings[pos]) and its segment's "
            + "(token_type_embeddings[type], 0 for the first text, 1 for the second), followed by LayerNorm. Shown: the first "
            + "\(dims) numbers of each vector and its length |·|."
    }

    public var json: JSON {
        .object([
            "text": .string(text), "pair": pair.map(JSON.string) ?? .null, "hidden_size": .int(hiddenSize),
            "tokens": .array(rows.map { r in
                .object([
                    "position": .int(r.position), "token": .string(r.token), "id": .int(r.id), "token_type_id": .int(r.typeId),
                    "word": JSON(Array(r.word.prefix(dims))), "position_embedding": JSON(Array(r.positionVector.prefix(dims))),
                    "segment": JSON(Array(r.segment.prefix(dims))), "sum": JSON(Array(r.sum.prefix(dims))),
                    "layer_norm": JSON(Array(r.normalized.prefix(dims))),
                    "norms": .object(["word": .double(Double(Self.norm(r.word))),
                                      "position": .double(Double(Self.norm(r.positionVector))),
                                      "segment": .double(Double(Self.norm(r.segment))),
                                      "sum": .double(Double(Self.norm(r.sum))),
                                      "layer_norm": .double(Double(Self.norm(r.normalized)))]),
                ])
            }),
        ])
    }

    public var bundle: MimeBundle {
        MimeBundle(plain: intro + "\n" + table.plainText,
                   html: "<p>\(HTML.escape(intro))</p>" + SegmentChips.html(tokens: rows.map(\.token), typeIds: rows.map(\.typeId))
                       + table.html,
                   json: json)
    }
}

extension Session {
    /// The three embeddings (token, position, segment) of each token of `text` (and `pair`),
    /// their sum and its LayerNorm: the input of the first encoder layer.
    ///
    ///     let report = try session.embeddings("The cat sat.", pair: "It purred.", dims: 4)
    public func embeddings(_ text: String, pair: String? = nil, dims: Int = 4) throws -> EmbeddingsReport {
        let model = try requireModel()
        guard (1...64).contains(dims) else {
            throw SessionError(.argument, "dims must be between 1 and 64, got \(dims)", argument: "dims")
        }
        let encoding = try model.tokenizer.encode(text, pair: pair)
        try Self.checkLength(encoding.count, model: model, what: pair == nil ? "the text" : "the pair")
        return try EmbeddingsReport(text: text, pair: pair, encoding: encoding, network: model.network, dims: dims)
    }
}
