import Foundation
import Plotting

/// Fixed, formula-made data for the chart snapshots (no randomness, so the snapshots are stable).
enum ExampleData {
    /// A deterministic pseudo-random sequence in [0, 1) (64-bit LCG, Knuth's MMIX constants).
    static func noise(_ count: Int, seed: UInt64 = 7) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static let steps = Array(1...300)
    static let losses: [Double] = zip(steps, noise(300)).map { step, u in
        0.25 + 0.45 * exp(-Double(step) / 80) + 0.25 * (u - 0.5)
    }
    static let validation: [(step: Int, loss: Double)] = [(100, 0.42), (200, 0.33), (300, 0.31)]

    static let tokens = ["[CLS]", "the", "child", "came", "home", "from", "school", ".", "[SEP]"]
    /// Softmax rows: each token attends mostly to its neighbours and to [SEP].
    static func attention(head: Int) -> [[Double]] {
        let n = tokens.count
        return (0..<n).map { i in
            let logits = (0..<n).map { j -> Double in
                let distance = Double(abs(i - j - (head % 3) + 1))
                return -distance * (1 + Double(head) * 0.3) + (j == n - 1 ? 1.5 : 0)
            }
            let m = logits.max() ?? 0
            let e = logits.map { exp($0 - m) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
    }

    /// 48 wordpieces, as a longer sentence gives.
    static let longTokens: [String] = ["[CLS]"] + (1..<47).map { i in
        ["the", "un", "##believ", "##able", "transformer", "model", ",", "attention", "is", "all"][i % 10]
    } + ["[SEP]"]
    static var longAttention: [[Double]] {
        let n = longTokens.count
        return (0..<n).map { i in
            let e = (0..<n).map { j in exp(-Double(abs(i - j)) * 0.8) + (j == 0 ? 2 : 0) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
    }

    static let lengths: [Int] = noise(500, seed: 11).map { u in Int(12 + 180 * u * u) }

    /// Bad inputs that must still draw: nothing, one point, a constant, NaN gaps, no heads.
    static var degenerate: [(name: String, figure: Figure)] {
        [
            ("empty-loss", Charts.loss(steps: [], losses: [])),
            ("single-point", Charts.loss(steps: [7], losses: [0.69], smoothing: 0)),
            ("constant", Charts.accuracy(epochs: [1, 2, 3], train: [0.5, 0.5, 0.5], validation: [])),
            ("nan-gap", Charts.loss(steps: Array(1...40), losses: (1...40).map { $0 % 10 == 0 ? .nan : 1 / Double($0) })),
            ("empty-grid", Charts.attentionGrid(tokens: [], heads: [])),
        ]
    }

    static var figures: [(name: String, figure: Figure)] {
        let lrSteps = Array(0..<200)
        let lrs = lrSteps.map { s in s < 20 ? 5e-5 * Double(s) / 20 : 5e-5 * Double(200 - s) / 180 }
        return [
            ("loss", Charts.loss(steps: steps, losses: losses, smoothing: 0.9, validation: validation)),
            ("pretrain", Charts.losses(steps: steps, series: [("MLM", losses.map { $0 * 9 + 1 }),
                                                              ("NSP", losses.map { $0 * 1.2 })])),
            ("accuracy", Charts.accuracy(epochs: [1, 2, 3, 4], train: [0.71, 0.84, 0.9, 0.93],
                                         validation: [0.74, 0.82, 0.85, 0.855])),
            ("lr", Charts.learningRate(steps: lrSteps, lrs: lrs)),
            ("confusion", Charts.confusion(labels: ["negative", "neutral", "positive"],
                                           counts: [[412, 31, 9], [40, 96, 38], [7, 25, 442]])),
            ("lengths", Charts.lengths(lengths: lengths, maxLength: 128)),
            ("labels", Charts.labels(splits: [("train", ["negative": 4100, "neutral": 1500, "positive": 4400]),
                                              ("validation", ["negative": 430, "neutral": 180, "positive": 390])],
                                     order: ["negative", "neutral", "positive"])),
            ("attention", Charts.attention(tokens: tokens, weights: attention(head: 1),
                                           title: "layer 0, head 1")),
            ("attention-grid", Charts.attentionGrid(tokens: tokens, heads: (0..<6).map(attention(head:)),
                                                    title: "layer 0")),
            ("attention-long", Charts.attention(tokens: longTokens, weights: longAttention,
                                                title: "layer 5, head 11 (48 tokens)")),
            ("confusion-many", Charts.confusion(labels: (0..<9).map { "class-\($0)" },
                                                counts: (0..<9).map { i in (0..<9).map { j in i == j ? 180 + 7 * i : (i * 31 + j * 17) % 23 } })),
        ]
    }
}
