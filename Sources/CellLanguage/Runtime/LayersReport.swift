import Display
import Foundation
import Plotting

/// What `layers` shows: the model's heads read at every hidden state, the embeddings' output
/// first, then each encoder layer's.
public struct LayersReport {
    public enum Lens: String, Sendable {
        /// The masked-LM head at each [MASK] ("logit lens").
        case maskedLM
        /// Pooler and classifier on each layer's [CLS].
        case classifier
    }

    public let text: String
    public let lens: Lens
    /// (T) wordpieces
    public let tokens: [String]
    /// "embeddings", "0", "1", ... (N + 1): the hidden state after that layer
    public let layerNames: [String]
    /// Masked LM: the [MASK] positions; per layer (N + 1), per position, the top predictions.
    public let positions: [Int]
    public let predictions: [[[MaskReport.Prediction]]]
    /// Masked LM: per position the last layer's best token, and its probability at every layer (N + 1).
    public let tracked: [(token: String, probabilities: [Double])]
    /// Classifier: label names and the probabilities per layer (N + 1, L).
    public let labels: [String]
    public let classProbabilities: [[Double]]

    public static let headNote = "The heads were trained on the last layer's output only: reading earlier layers "
        + "through them shows what is already decodable there, not what the model was taught to say at that depth."
}

extension LayersReport {
    /// One row per hidden state: the top predictions at each [MASK], or each label's probability.
    var table: HTMLTable {
        switch lens {
        case .maskedLM:
            let columns = ["hidden state after"] + positions.enumerated().map { "[MASK] #\($0.offset + 1) (position \($0.element))" }
            let rows = layerNames.indices.map { l in
                [layerNames[l]] + predictions[l].map { $0.map { "\($0.token) \(MaskReport.percent($0.probability))" }.joined(separator: ", ") }
            }
            return HTMLTable(columns: columns, rows: rows, caption: "input: " + tokens.joined(separator: " "), rightAligned: [])
        case .classifier:
            let rows = layerNames.indices.map { l -> [String] in
                let p = classProbabilities[l]
                let best = p.indices.max { p[$0] < p[$1] } ?? 0
                return [layerNames[l]] + p.map { String(format: "%.4f", $0) } + [labels.isEmpty ? "" : labels[best]]
            }
            return HTMLTable(columns: ["hidden state after"] + labels + ["most probable"], rows: rows,
                             caption: "input: " + tokens.joined(separator: " "))
        }
    }

    public var json: JSON {
        var object: [String: JSON] = [
            "text": .string(text), "lens": .string(lens.rawValue), "tokens": JSON(tokens), "layers": JSON(layerNames),
        ]
        switch lens {
        case .maskedLM:
            object["positions"] = JSON(positions)
            object["predictions"] = .array(predictions.map { layer in
                .array(layer.map { position in
                    .array(position.map { .object(["token": .string($0.token), "id": .int($0.id), "probability": .double($0.probability)]) })
                })
            })
            object["tracked"] = .array(tracked.map { .object(["token": .string($0.token), "probabilities": JSON($0.probabilities)]) })
        case .classifier:
            object["labels"] = JSON(labels)
            object["probabilities"] = .array(classProbabilities.map { JSON($0) })
        }
        return .object(object)
    }

    public var bundle: MimeBundle {
        let table = self.table
        return MimeBundle(plain: table.plainText + "\nnote: " + Self.headNote,
                          html: table.html + "<p><b>note:</b> \(HTML.escape(Self.headNote))</p>", json: json)
    }

    /// The tracked probabilities by layer: the last layer's best token at each [MASK], or every label.
    public var figure: PlotFigure {
        let series: [(name: String, values: [Double])] = switch lens {
        case .maskedLM: tracked.enumerated().map { (name: "\"\($0.element.token)\" at [MASK] #\($0.offset + 1)", values: $0.element.probabilities) }
        case .classifier: labels.indices.map { k in (name: labels[k], values: classProbabilities.map { $0[k] }) }
        }
        let title = lens == .maskedLM ? "the final prediction's probability by layer" : "class probabilities by layer"
        let figure = Charts.probabilityByLayer(layers: layerNames, series: series, title: title)
        return PlotFigure(figure: figure, description: series.map { s in
            "\(s.name): " + s.values.map { String(format: "%.3f", $0) }.joined(separator: " ")
        }.joined(separator: "\n"))
    }
}
