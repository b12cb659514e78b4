import Bert
import Display

/// What the last `pretrain` measured, for `plot("pretraining")`: the MLM and NSP loss, the
/// learning rate and the gradient norm of every update. `session.pretrainingHistory`.
public struct PretrainingHistory: SessionComponent {
    public var records: [PretrainingRecord]
    /// The corpus and the size of the model pre-trained.
    public var corpus: String
    public var options: PretrainingOptions

    public init(records: [PretrainingRecord], corpus: String, options: PretrainingOptions) {
        self.records = records
        self.corpus = corpus
        self.options = options
    }

    public var info: InfoSection {
        var rows: [(String, String)] = [("corpus", corpus), ("steps", "\(records.count) of \(options.steps)")]
        if let last = records.last {
            rows.append(("last MLM loss", Value.format(Double(last.maskedLMLoss))))
            rows.append(("last NSP loss", Value.format(Double(last.nextSentenceLoss))))
        }
        return InfoSection(title: "Pre-training", rows: rows, json: [
            "corpus": .string(corpus), "steps": .int(records.count), "planned_steps": .int(options.steps),
            "last_mlm_loss": records.last.map { .double(Double($0.maskedLMLoss)) } ?? .null,
            "last_nsp_loss": records.last.map { .double(Double($0.nextSentenceLoss)) } ?? .null,
        ])
    }
}

extension Session {
    /// The losses of the last `pretrain`, if any.
    public var pretrainingHistory: PretrainingHistory? { component(PretrainingHistory.self) }
}
