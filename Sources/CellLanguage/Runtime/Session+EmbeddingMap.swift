import Bert
import Foundation
import Numerics
import Plotting
import TextDatasets

/// How `plot("embeddings")` turns a sequence into one vector.
public enum EmbeddingPooling: String, CaseIterable, Sendable {
    /// The [CLS] row (what the pooler and the classifier read).
    case cls
    /// The mean over the real tokens ([CLS] and [SEP] included, padding excluded), as
    /// sentence-transformers pools MiniLM.
    case mean
}

/// `plot("embeddings", split:, layer:, pool:)`: the typed API behind the command.
extension Session {
    /// The dataset's examples as points: each example's vector (the [CLS] row, or the mean of its
    /// tokens) of a hidden state, projected to two dimensions by PCA with a deterministic sign,
    /// coloured by label, misclassified examples (when the classifier fits the dataset's labels)
    /// with a dark rim, each point's text in its SVG `<title>`.
    ///
    ///     let plot = try session.plotEmbeddings(split: "validation", layer: nil, pool: .cls)
    ///
    /// - layer: the encoder layer whose output is used (from 0); nil for the last
    public func plotEmbeddings(split name: String = "validation", layer: Int? = nil, pool: EmbeddingPooling = .cls,
                               maxLength: Int = 128) throws -> PlotFigure {
        guard let split = TextDataset.Split(rawValue: name) else {
            throw SessionError(.argument, "split must be \"train\", \"validation\" or \"test\", got \"\(name)\"", argument: "split")
        }
        let model = try requireModel()
        guard let data = dataset?.dataset else {
            throw SessionError(.state, "plot(\"embeddings\") maps the loaded dataset; run load(dataset: ...) first")
        }
        try checkMaxLength(maxLength, for: model)
        let layers = model.config.numHiddenLayers
        if let layer, !(0..<layers).contains(layer) {
            throw SessionError(.argument, "layer \(layer) does not exist; the model has layers 0...\(layers - 1) "
                               + "(leave layer: nil for the last)", argument: "layer")
        }
        let examples = data[split]
        guard examples.count >= 3 else {
            throw SessionError(.state, "the \(name) split has \(examples.count) example\(examples.count == 1 ? "" : "s"); "
                               + "the map needs at least three (try split: \"train\", or load the dataset with a larger "
                               + "validation share)", argument: "split")
        }
        let predictor = Predictor(network: model.network, tokenizer: model.tokenizer)
        let encoded = try predictor.encode(examples.map(\.text), pairs: examples.map(\.pair), maxLength: maxLength)
        let C = model.config.hiddenSize
        var vectors = [[Double]](repeating: [], count: encoded.count)
        var predicted = [Int?](repeating: nil, count: encoded.count)
        let order = encoded.indices.sorted { encoded[$0].count < encoded[$1].count }
        let classifies = model.hasClassifier && data.task == .singleLabel && model.labelNames == data.labelMap.names
        for start in stride(from: 0, to: order.count, by: 32) {
            try checkInterrupt()
            let indices = Array(order[start..<min(start + 32, order.count)])
            let batch = try Predictor.batch(indices.map { encoded[$0] }, paddingId: model.tokenizer.paddingTokenId)
            let out = try model.network.infer(batch, request: layer == nil ? [] : .hiddenStates)
            let hidden = layer.map { out.hiddenStates![$0 + 1] } ?? out.lastHiddenState   // (B, T, C)
            let T = batch.sequenceLength, L = model.config.numLabels
            for (row, index) in indices.enumerated() {
                let count = encoded[index].count
                let rows = pool == .cls ? 0..<1 : 0..<count
                var v = [Double](repeating: 0, count: C)
                for t in rows { for c in 0..<C { v[c] += Double(hidden[(row * T + t) * C + c]) } }
                vectors[index] = v.map { $0 / Double(rows.count) }
                if classifies, let logits = out.logits { predicted[index] = Predictor.argmax(Array(logits[(row * L)..<((row + 1) * L)])) }
            }
        }
        guard vectors.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw SessionError(.numeric, "the model produced non-finite hidden states; its weights may be corrupt")
        }
        let pca = PrincipalComponents(rows: vectors, count: 2)
        let names: [String], groups: [Int]
        switch data.task {
        case .singleLabel:
            names = data.labelMap.names
            groups = examples.map { $0.label.classID ?? 0 }
        case .multiLabel:
            // Coloured by the first of each example's labels.
            names = data.labelMap.names
            groups = examples.map { $0.label.classIDs?.first ?? 0 }
        case .regression:
            names = ["examples"]
            groups = examples.map { _ in 0 }
        }
        let wrong = examples.indices.map { i in predicted[i].map { $0 != examples[i].label.classID } ?? false }
        let titles = examples.indices.map { i -> String in
            var text = examples[i].text + (examples[i].pair.map { " / " + $0 } ?? "")
            if text.count > 300 { text = String(text.prefix(300)) + "…" }
            var label = data.task == .regression ? "value \(examples[i].label.value.map { String($0) } ?? "")"
                                                 : "label \(names[groups[i]])"
            if let p = predicted[i] { label += ", predicted \(model.labelNames[p])" }
            return text + " (" + label + ")"
        }
        let what = (pool == .cls ? "[CLS]" : "mean") + " of " + (layer.map { "layer \($0)" } ?? "the last layer")
        let figure = Charts.embeddingMap(points: pca.scores.map { (x: $0[0], y: $0[1]) }, groups: groups, groupNames: names,
                                         wrong: wrong, titles: titles, explained: (pca.explained[0], pca.explained[1]),
                                         title: "\(name) examples: \(what), PCA")
        let misclassified = wrong.filter { $0 }.count
        return PlotFigure(figure: figure, description: "\(examples.count) \(name) examples, \(what), projected by PCA: "
            + String(format: "PC1 %.1f%%, PC2 %.1f%% of the variance", 100 * pca.explained[0], 100 * pca.explained[1])
            + (classifies ? "; \(misclassified) misclassified (dark rim)" : ""))
    }
}
