import Bert
import Display
import Foundation
import Plotting

/// `plot(attention: text, layer:, head:, token:)`: one head opened up for one query token.
public struct NeuronViewReport {
    public let view: AttentionHeadView
    /// (T) the wordpieces; `query` indexes the token looked at
    public let tokens: [String]
    public let query: Int

    /// The numbers: per key token q·k/√d and the softmax weight, and the context vector.
    public var bundle: MimeBundle {
        let scores = view.scores[query], weights = view.probabilities[query]
        let table = HTMLTable(
            columns: ["position", "key token", "q·k/√d", "attention weight"],
            rows: tokens.indices.map { ["\($0)", tokens[$0], String(format: "%.4f", scores[$0]), String(format: "%.4f", weights[$0])] },
            caption: "layer \(view.layer), head \(view.head): query \"\(tokens[query])\" (position \(query)); "
                + "its context is Σ weight · v = [" + view.context[query].prefix(6).map { String(format: "%.3f", $0) }
                .joined(separator: ", ") + (view.context[query].count > 6 ? ", ...]" : "]"),
            rightAligned: [0, 2, 3])
        return table.bundle(json: .object([
            "layer": .int(view.layer), "head": .int(view.head), "tokens": JSON(tokens), "query": .int(query),
            "query_vector": JSON(view.query[query]), "keys": .array(view.key.map { JSON($0) }),
            "values": .array(view.value.map { JSON($0) }), "scores": JSON(scores), "probabilities": JSON(weights),
            "context": JSON(view.context[query]),
        ]))
    }

    public var figure: PlotFigure {
        let q = view.query[query]
        let products = view.key.map { k in zip(q, k).map { $0 * $1 } }
        let figure = Charts.neuronView(tokens: tokens, query: query, queryVector: q, keys: view.key, products: products,
                                       probabilities: view.probabilities[query],
                                       title: "neuron view, layer \(view.layer), head \(view.head)")
        return PlotFigure(figure: figure, description: "query \"\(tokens[query])\": " + tokens.indices.map {
            "\(tokens[$0]) \(String(format: "%.3f", view.probabilities[query][$0]))"
        }.joined(separator: ", "))
    }
}

extension Session {
    /// The neuron view of `head` in `layer` for the query `token` of `text`.
    ///
    ///     let report = try session.neuronView("The child came home from school.", layer: 3, head: 5, token: "home")
    ///     report.view.probabilities[report.query]   // (T)
    ///
    /// `token` is a wordpiece of the encoded text (its first occurrence), matched as written or
    /// as the tokenizer writes it ("Home" finds "home"); an unknown one is an error listing them.
    public func neuronView(_ text: String, pair: String? = nil, layer: Int, head: Int, token: String) throws -> NeuronViewReport {
        let model = try requireModel()
        let config = model.config
        guard (0..<config.numHiddenLayers).contains(layer) else {
            throw SessionError(.argument, "layer \(layer) does not exist; the model has layers 0...\(config.numHiddenLayers - 1)",
                               argument: "layer")
        }
        guard (0..<config.numAttentionHeads).contains(head) else {
            throw SessionError(.argument, "head \(head) does not exist; each layer has heads 0...\(config.numAttentionHeads - 1)",
                               argument: "head")
        }
        let encoding = try model.tokenizer.encode(text, pair: pair, maxLength: model.maxPositions)
        let tokens = encoding.tokens
        let written = (try? model.tokenizer.encode(token))?.tokens.dropFirst().first
        guard let query = tokens.firstIndex(of: token) ?? written.flatMap({ tokens.firstIndex(of: $0) }) else {
            throw SessionError(.argument, "token \"\(token)\" is not in the text; its tokens are "
                               + tokens.map { "\"\($0)\"" }.joined(separator: ", "), argument: "token")
        }
        let batch = try BertBatch(inputIds: [encoding.ids], tokenTypeIds: [encoding.typeIds])
        let view = try AttentionHeadView(network: model.network, batch: batch, layer: layer, head: head)
        return NeuronViewReport(view: view, tokens: tokens, query: query)
    }
}
