import Foundation
import Numerics

/// How training treats each parameter tensor, by its place in the network: which tensors are
/// trained (`train(freeze:)`) and each one's multiple of the learning rate (`train(layerDecay:)`).
///
///     let groups = ParameterGroups(layout: network.layout, layers: 6, layerDecay: 0.9, frozenLayers: 2)
///     groups.trainedOffset        // where layer 2's tensors begin: everything from here trains
///     groups.scales               // one per trained entry of the layout, in layout order
///
/// Layer-wise learning-rate decay (ELECTRA's and BEiT's "layer decay"; issue 18, part 3): with
/// decay d and N layers, encoder layer l (from 0) trains at lr · d^(N − l), the embeddings at
/// lr · d^(N + 1), and the pooler and the task heads at lr, so the layers nearest the output
/// move most. transformers has no such option; the reference is `torch.optim.AdamW` with one
/// parameter group per (rate, decays) pair (scripts/reference/schedule_fixtures.py).
///
/// The layout is embeddings, layers 0..<N, then the heads (`BertParameters.layout`), so the
/// trained tensors of `freeze: k` are one suffix of the flat buffer, from `trainedOffset`.
public struct ParameterGroups: Equatable, Sendable {
    /// Where a tensor sits.
    public enum Place: Equatable, Sendable {
        case embeddings
        case layer(Int)
        case head
    }

    /// The first trained value of the flat parameter buffer; the values before it are frozen.
    public let trainedOffset: Int
    /// One per trained entry (from the first entry at `trainedOffset`): its range in the flat
    /// buffer, whether it takes weight decay, and its multiple of the learning rate.
    public let entries: [(range: Range<Int>, decays: Bool, scale: Double)]

    public static func == (a: ParameterGroups, b: ParameterGroups) -> Bool {
        a.trainedOffset == b.trainedOffset && a.entries.elementsEqual(b.entries) {
            $0.range == $1.range && $0.decays == $1.decays && $0.scale == $1.scale
        }
    }

    /// The place of a tensor by its checkpoint key.
    public static func place(of name: String) -> Place {
        if name.hasPrefix("bert.embeddings.") { return .embeddings }
        let prefix = "bert.encoder.layer."
        if name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            if let index = Int(rest.prefix { $0.isNumber }) { return .layer(index) }
        }
        return .head
    }

    /// - layers: N, the encoder's layer count
    /// - layerDecay: d in (0, 1]; 1 gives every tensor the full rate
    /// - frozenLayers: k in 0...N; the embeddings and layers 0..<k are frozen when k > 0
    public init(layout: ParameterLayout, layers: Int, layerDecay: Double = 1, frozenLayers: Int = 0) {
        precondition((0...layers).contains(frozenLayers), "frozen layers \(frozenLayers) of \(layers)")
        func frozen(_ place: Place) -> Bool {
            guard frozenLayers > 0 else { return false }
            switch place {
            case .embeddings: return true
            case .layer(let l): return l < frozenLayers
            case .head: return false
            }
        }
        func scale(_ place: Place) -> Double {
            guard layerDecay != 1 else { return 1 }
            switch place {
            case .embeddings: return pow(layerDecay, Double(layers + 1))
            case .layer(let l): return pow(layerDecay, Double(layers - l))
            case .head: return 1
            }
        }
        var offset = layout.totalCount
        var entries: [(range: Range<Int>, decays: Bool, scale: Double)] = []
        for entry in layout.entries {
            let place = Self.place(of: entry.name)
            if frozen(place) {
                precondition(entries.isEmpty, "a frozen tensor \(entry.name) after a trained one")
                continue
            }
            offset = min(offset, entry.offset)
            entries.append((entry.offset..<(entry.offset + entry.count), entry.decays, scale(place)))
        }
        trainedOffset = offset
        self.entries = entries
    }

    /// The buckets a data-parallel step sums, in the order the backward finishes them: the
    /// heads, layers N−1 down to 0, the embeddings; each the span of its place's tensors in the
    /// flat buffer (one span: the layout keeps a place's tensors together), cut to `trained`
    /// and left out when nothing of it trains.
    public static func buckets(layout: ParameterLayout, trained: Range<Int>) -> [(place: Place, range: Range<Int>)] {
        var spans: [(place: Place, range: Range<Int>)] = []
        for entry in layout.entries {
            let place = Self.place(of: entry.name), range = entry.offset..<(entry.offset + entry.count)
            if let last = spans.last, last.place == place, last.range.upperBound == range.lowerBound {
                spans[spans.count - 1].range = last.range.lowerBound..<range.upperBound
            } else {
                precondition(!spans.contains { $0.place == place }, "the tensors of \(place) are not together in the layout")
                spans.append((place, range))
            }
        }
        return spans.reversed().compactMap { span in
            let cut = span.range.clamped(to: trained)
            return cut.isEmpty ? nil : (span.place, cut)
        }
    }

    /// The number of trained values (the moments AdamW keeps).
    public func trainedCount(of layout: ParameterLayout) -> Int { layout.totalCount - trainedOffset }
}
