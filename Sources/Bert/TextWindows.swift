/// Sliding windows over texts longer than a window (`train`, `evaluate` and `predict` with
/// `window:`): each text becomes overlapping windows of at most `length` tokens, as
/// transformers' tokenizer makes them with `return_overflowing_tokens=True, stride=` (see
/// `BertTokenizer.encodeWindows`); a pair keeps its first text whole in every window and slides
/// over the second (`truncation="only_second"`).
///
///     let windows = TextWindows(length: 128, stride: 32, aggregate: .mean)
///     let (examples, groups) = try predictor.encodeWindows(texts, windows: windows)
public struct TextWindows: Equatable, Sendable {
    /// Tokens per window, `[CLS]` and `[SEP]` included (transformers' `max_length`).
    public var length: Int
    /// Tokens that consecutive windows share (transformers' `stride`).
    public var stride: Int
    /// How a text's window logits become the text's logits in evaluation and prediction.
    public var aggregate: WindowAggregation

    public init(length: Int, stride: Int, aggregate: WindowAggregation = .mean) {
        self.length = length
        self.stride = stride
        self.aggregate = aggregate
    }
}

/// How the logits of a text's windows combine into the text's logits. The probabilities are then
/// those of the combined logits (softmax or sigmoid), so a text gets one prediction.
public enum WindowAggregation: String, CaseIterable, Sendable {
    /// The mean of the windows' logits, label by label: every part of the text counts alike.
    case mean
    /// The largest logit of any window, label by label: one window that shows a label is enough
    /// (a topic mentioned once in a long document).
    case max
    /// The first window's logits: what plain truncation to the window would give.
    case first
}

/// Which windows belong to which text: the windows of a text are consecutive, text i owning the
/// windows `starts[i]..<starts[i + 1]`.
///
///     let groups = WindowGroups(windowCounts: [1, 3], aggregate: .mean)
///     groups.aggregate([[0, 1], [2, 0], [4, 0], [0, 0]])   // [[0, 1], [2, 0]]
public struct WindowGroups: Equatable, Sendable {
    /// (N + 1) offsets of each text's first window, then the number of windows W.
    public let starts: [Int]
    public let aggregate: WindowAggregation

    /// - windowCounts: (N) windows per text, each at least 1
    public init(windowCounts: [Int], aggregate: WindowAggregation) {
        precondition(windowCounts.allSatisfy { $0 > 0 }, "every text has at least one window")
        var starts = [0]
        starts.reserveCapacity(windowCounts.count + 1)
        for count in windowCounts { starts.append(starts.last! + count) }
        self.starts = starts
        self.aggregate = aggregate
    }

    /// N
    public var textCount: Int { starts.count - 1 }
    /// W
    public var windowCount: Int { starts.last! }
    /// The windows of text `index`.
    public func windows(of index: Int) -> Range<Int> { starts[index]..<starts[index + 1] }
    /// (N) the first window of each text.
    public var firstWindows: [Int] { Array(starts.dropLast()) }

    /// Per-text logits (N, L) from the windows' logits (W, L). The mean is summed in Double in
    /// window order, so the result does not depend on how the windows were batched.
    public func aggregate(_ logits: [[Float]]) -> [[Float]] {
        precondition(logits.count == windowCount, "one row of logits per window")
        return (0..<textCount).map { text in
            let rows = logits[windows(of: text)]
            switch aggregate {
            case .first:
                return rows.first!
            case .max:
                return rows.dropFirst().reduce(rows.first!) { zip($0, $1).map(Swift.max) }
            case .mean:
                var sums = [Double](repeating: 0, count: rows.first!.count)
                for row in rows { for (l, x) in row.enumerated() { sums[l] += Double(x) } }
                return sums.map { Float($0 / Double(rows.count)) }
            }
        }
    }
}
