import Bert
import Display
import TextDatasets

/// Long texts as sliding windows (`window:`, `stride:`, `aggregate:` of `train`, `evaluate` and
/// `predict`; `tokenize(stride:)`): the checks against the model, and the windows of a dataset.
extension Session {
    /// Windows the model can read that move on: at most `max_position_embeddings` tokens, and
    /// room for more than `stride` tokens besides `[CLS]` and `[SEP]` (transformers refuses a
    /// larger stride, and a window of exactly stride + 2 would never advance).
    /// - windowArgument: the argument that set the window's length (`window`, or `maxLength` for
    ///   `tokenize`)
    func checkWindows(_ windows: TextWindows?, for model: LoadedModel, windowArgument: String = "window") throws {
        guard let windows else { return }
        guard windows.length <= model.maxPositions else {
            throw SessionError(.argument, "\(windowArgument) must be at most the model's max_position_embeddings "
                               + "\(model.maxPositions), got \(windows.length)", argument: windowArgument)
        }
        guard windows.stride < windows.length - 2 else {
            throw SessionError(.argument, "stride must be smaller than \(windowArgument) - 2 (\(windowArgument) \(windows.length) "
                               + "holds \(windows.length - 2) tokens besides [CLS] and [SEP]), got \(windows.stride); "
                               + "e.g. stride: \(windows.length / 4)", argument: "stride")
        }
    }

    /// The training and validation splits as windows, each window with its text's label, and
    /// which validation windows belong to which text.
    func windowedExamples(_ data: TextDataset, model: LoadedModel, windows: TextWindows)
        throws -> (train: [EncodedExample], validation: [EncodedExample], validationGroups: WindowGroups) {
        let predictor = Predictor(network: model.network, tokenizer: model.tokenizer)
        func encode(_ examples: [Example]) throws -> ([EncodedExample], WindowGroups) {
            try predictor.encodeWindows(examples.map(\.text), pairs: examples.map(\.pair), targets: examples.map(\.label),
                                        windows: windows, describe: { "line \(examples[$0].line)" },
                                        checkInterrupt: { try self.checkInterrupt() })
        }
        let (train, _) = try encode(data.train)
        let (validation, groups) = try encode(data.validation)
        return (train, validation, groups)
    }

    /// The line `train` prints before it starts with windows.
    static func windowsLine(texts: Int, windows: Int, options: TextWindows) -> String {
        "window: \(texts) training texts became \(windows) windows of at most \(options.length) tokens (stride "
            + "\(options.stride)); validation scores each text by the \(options.aggregate.rawValue) of its windows' logits\n"
    }

    /// The overlapping windows `train(window: maxLength, stride:)` makes of a text (or pair), as
    /// transformers' `return_overflowing_tokens=True, stride=` does (a pair keeps its first text
    /// in every window, `truncation="only_second"`).
    public func tokenizeWindows(_ text: String, pair: String? = nil, maxLength: Int = 128, stride: Int) throws -> TokenWindowsReport {
        let model = try requireModel()
        try checkMaxLength(maxLength, for: model)
        try checkWindows(TextWindows(length: maxLength, stride: stride), for: model, windowArgument: "maxLength")
        let hasPair = !(pair ?? "").isEmpty
        let windows = try model.tokenizer.encodeWindows(text, pair: pair, maxLength: maxLength, stride: stride,
                                                        truncation: hasPair ? .onlySecond : .longestFirst)
        let full = try model.tokenizer.encode(text, pair: pair)
        return TokenWindowsReport(windows: windows, untruncatedCount: full.count, maxLength: maxLength, stride: stride)
    }
}
