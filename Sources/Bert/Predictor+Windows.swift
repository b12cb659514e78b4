import TextDatasets
import WordPiece

/// Long texts as sliding windows (`TextWindows`): encoding every window of every text, and the
/// per-text logits of the aggregated windows.
extension Predictor {
    /// Every window of every text, in text order, each carrying its text's target, and which
    /// windows belong to which text. Pairs keep the first text in every window
    /// (`truncation="only_second"`).
    /// - describe: names text i in an error (`"line 12"`); the default counts from 1
    /// - throws: `BertError(.argument)` naming the text when its windows cannot be made (the
    ///   first text of a pair leaves no more than the stride of the window for the second)
    public func encodeWindows(_ texts: [String], pairs: [String?]? = nil, targets: [Label?]? = nil, windows: TextWindows,
                              describe: (Int) -> String = { "text \($0 + 1)" },
                              checkInterrupt: () throws -> Void = {}) throws -> (examples: [EncodedExample], groups: WindowGroups) {
        precondition(pairs == nil || pairs!.count == texts.count, "one pair per text")
        precondition(targets == nil || targets!.count == texts.count, "one label per text")
        var examples: [EncodedExample] = []
        examples.reserveCapacity(texts.count)
        var counts: [Int] = []
        counts.reserveCapacity(texts.count)
        for i in texts.indices {
            if i % 256 == 0 { try checkInterrupt() }
            let pair = pairs?[i] ?? nil
            let encodings: [BertEncoding]
            do {
                encodings = try tokenizer.encodeWindows(texts[i], pair: pair, maxLength: windows.length, stride: windows.stride,
                                                        truncation: pair == nil ? .longestFirst : .onlySecond)
            } catch let error as WordPieceError {
                throw BertError(.argument, "\(describe(i)): \(error.description)")
            }
            counts.append(encodings.count)
            for encoding in encodings { examples.append(EncodedExample(encoding, target: targets?[i] ?? nil)) }
        }
        return (examples, WindowGroups(windowCounts: counts, aggregate: windows.aggregate))
    }

    /// Logits (N, L) per text: of each text truncated to `maxLength`, or, with `windows`, of its
    /// windows aggregated; with the number of windows of each text (nil without windows).
    public func textLogits(_ texts: [String], pairs: [String?]? = nil, maxLength: Int, windows: TextWindows?,
                           batchSize: Int, describe: (Int) -> String = { "text \($0 + 1)" },
                           checkInterrupt: () throws -> Void = {}) throws -> (logits: [[Float]], windowCounts: [Int]?) {
        guard let windows else {
            let examples = try encode(texts, pairs: pairs, maxLength: maxLength)
            return (try logits(examples, batchSize: batchSize, checkInterrupt: checkInterrupt), nil)
        }
        let (examples, groups) = try encodeWindows(texts, pairs: pairs, windows: windows, describe: describe)
        let windowLogits = try logits(examples, batchSize: batchSize, checkInterrupt: checkInterrupt)
        return (groups.aggregate(windowLogits), (0..<groups.textCount).map { groups.windows(of: $0).count })
    }
}
