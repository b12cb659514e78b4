import Bert
import Foundation
import TextDatasets
import WordPiece

/// `check()`: the typed API behind the command.
extension Session {
    /// Looks for the loaded dataset's problems (`DatasetCheck`): empty texts, duplicates within
    /// and across splits, conflicting or misspelt labels, rare classes, texts `maxLength` would
    /// cut, U+FFFD. Token counts come from the model's tokenizer when a model is loaded, else
    /// from a lower bound (words and punctuation marks).
    ///
    ///     let report = try session.check(maxLength: 128)
    ///     report.check.findings.map(\.kind)   // [.duplicate, .leakage]
    public func check(maxLength: Int = 128) throws -> DataCheckReport {
        guard (2...1_000_000).contains(maxLength) else {
            throw SessionError(.argument, "maxLength must be between 2 and 1000000 tokens, got \(maxLength)", argument: "maxLength")
        }
        let data = try requireDataset().dataset
        return DataCheckReport(check: try datasetCheck(data, maxLength: maxLength, tokenizer: model?.tokenizer),
                               source: data.name, testSource: data.testSource)
    }

    /// The check of `data`, counting tokens with `tokenizer` if there is one.
    func datasetCheck(_ data: TextDataset, maxLength: Int, tokenizer: BertTokenizer?) throws -> DatasetCheck {
        guard let tokenizer else { return DatasetCheck(data, maxLength: maxLength) }
        var counted = 0
        return try DatasetCheck(data, maxLength: maxLength) { example in
            counted += 1
            if counted % 1024 == 0 { try self.checkInterrupt() }
            return try tokenizer.encode(example.text, pair: example.pair).count
        }
    }
}
