import Display
import Foundation
import WordPiece

/// What `explain` shows for each explained prediction: the text coloured by attribution (green
/// for the target, red against), the completeness check of integrated gradients, a table per word
/// (wordpieces summed) and per token, and the numbers as JSON.
public struct ExplainReport {
    /// A word of the text: its wordpieces and their summed score.
    public struct Word: Equatable {
        public let text: String
        /// Token positions (T indices) of its wordpieces.
        public let tokens: [Int]
        /// [CLS] or [SEP].
        public let special: Bool
        /// Σ of its tokens' attributions (integrated gradients), or the drop of the target's
        /// probability when it is masked (occlusion; 0 for [CLS] and [SEP], which are never masked).
        public var score: Double = 0
    }

    /// The integrated-gradients side: the completeness check.
    public struct Integration: Equatable {
        public let steps: Int
        public let baseline: ExplainBaseline
        /// f(input) and f(baseline): the target's logit
        public let inputValue: Double
        public let baselineValue: Double
    }

    public struct Explanation: Equatable {
        public let text: String
        public let pair: String?
        /// (T) wordpieces with [CLS] and [SEP]
        public let tokens: [String]
        public let method: ExplainMethod
        /// The label explained ("value" for regression) and its class id.
        public let target: String
        public let targetIndex: Int
        /// The predicted label (single-label).
        public let predicted: String?
        /// The target's probability (softmax, or sigmoid for multi-label; nil for regression).
        public let probability: Double?
        /// The target's logit (the value for regression).
        public let value: Double
        public var words: [Word]
        /// (T) per-token attributions (integrated gradients only).
        public var tokenScores: [Double]?
        public var integration: Integration?
        /// The example's label (`explain(errors:)`).
        public var trueLabel: String?

        /// Σ attributions and the completeness gap |Σ − (f(x) − f(x'))| / |f(x) − f(x')|.
        public var sum: Double { tokenScores?.reduce(0, +) ?? 0 }
        public var relativeGap: Double? {
            guard let i = integration else { return nil }
            let gap = abs(i.inputValue - i.baselineValue)
            if gap == 0 { return sum == 0 ? 0 : .infinity }
            return abs(sum - (i.inputValue - i.baselineValue)) / gap
        }

        /// A larger `steps:` when the sums differ by more than 5%. The quadrature error falls
        /// like 1/steps (captum's weights alone leave 1/steps), so scale to aim at 2.5%.
        public var suggestedSteps: Int? {
            guard let i = integration, let gap = relativeGap, gap > ExplainReport.completenessTolerance else { return nil }
            let aimed = gap.isFinite ? Double(i.steps) * gap / 0.025 : Double(4 * i.steps)
            let steps = max(2 * i.steps, Int(min(aimed, 1000).rounded(.up)))
            return min(1000, (steps + 9) / 10 * 10)
        }
    }

    /// The share by which Σ attributions may miss f(input) − f(baseline) before a warning.
    public static let completenessTolerance = 0.05

    public let explanations: [Explanation]
    /// Set by `explain(errors:)`: the split and how many mistakes were found.
    public var errorsOf: String?
    public var errorCount: Int = 0

    /// The completeness warnings, one per explanation that needs more steps.
    public var warnings: [String] {
        explanations.compactMap { e in
            guard let steps = e.suggestedSteps, let i = e.integration else { return nil }
            return "the attributions for \"\(e.target)\" sum to \(Self.number(e.sum)) but f(input) − f(baseline) is "
                + "\(Self.number(i.inputValue - i.baselineValue)) (\(Self.percent(e.relativeGap!)) apart, more than 5%): "
                + "try steps: \(steps)"
        }
    }

    /// The words of an encoding: one per pre-tokenized word of each segment, [CLS] and [SEP]
    /// on their own; the word's text is the span of the original text its wordpieces came from.
    static func words(of encoding: BertEncoding, text: String, pair: String?) -> [Word] {
        let scalars = [Array(text.unicodeScalars), Array((pair ?? "").unicodeScalars)]
        var words: [Word] = []
        var key: (Int, Int)?
        for t in 0..<encoding.count {
            guard let sequence = encoding.sequenceIds[t], let word = encoding.wordIds[t] else {
                words.append(Word(text: encoding.tokens[t], tokens: [t], special: true))
                key = nil
                continue
            }
            if let key, key == (sequence, word), let last = words.last {
                words[words.count - 1] = Word(text: last.text, tokens: last.tokens + [t], special: false)
            } else {
                words.append(Word(text: "", tokens: [t], special: false))
            }
            key = (sequence, word)
        }
        return words.map { w in
            guard !w.special else { return w }
            let ranges = w.tokens.map { encoding.offsets[$0] }
            let source = scalars[encoding.sequenceIds[w.tokens[0]] ?? 0]
            let lo = ranges.map(\.lowerBound).min()!, hi = ranges.map(\.upperBound).max()!
            var span = String.UnicodeScalarView()
            if lo < hi, hi <= source.count { span.append(contentsOf: source[lo..<hi]) }
            return Word(text: span.isEmpty ? encoding.tokens[w.tokens[0]] : String(span), tokens: w.tokens, special: false)
        }
    }

    static func number(_ x: Double) -> String { String(format: "%.4f", x) }
    static func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.1f%%", x * 100) : "infinitely" }
}
