/// A pre-training corpus: documents, each a list of sentences.
///
///     let corpus = try PretrainingCorpus.load("demo")    // or a path to a .txt file
///     corpus.documents.count; corpus.documents[0][0]     // first sentence
///
/// File format (as BERT's `create_pretraining_data.py` and `transformers`'
/// `TextDatasetForNextSentencePrediction` read it): UTF-8 text, one sentence per line, a blank
/// line (or a line of only whitespace) between documents. Lines are trimmed. Next-sentence
/// prediction draws its NotNext sentences from another document, so a corpus needs at least
/// two documents.
public struct PretrainingCorpus: Sendable, Equatable {
    /// The name that selects the embedded corpus instead of a file.
    public static let demoName = "demo"

    /// What it was read from ("demo" or the path).
    public let name: String
    /// The sentences of each document, in file order; no document is empty.
    public let documents: [[String]]
    /// The 1-based line of each sentence in the file: same shape as `documents`.
    public let lineNumbers: [[Int]]

    /// The total number of sentences.
    public var sentenceCount: Int { documents.reduce(0) { $0 + $1.count } }

    /// Splits `text` into documents. Throws when it has no sentence or only one document.
    public init(text: String, name: String) throws {
        var documents: [[String]] = [], lineNumbers: [[Int]] = []
        var current: [String] = [], currentLines: [Int] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (index, line) in lines.enumerated() {
            let sentence = LabelDecoding.trim(String(line))
            if sentence.isEmpty {
                if !current.isEmpty {
                    documents.append(current)
                    lineNumbers.append(currentLines)
                }
                current = []
                currentLines = []
            } else {
                current.append(sentence)
                currentLines.append(index + 1)
            }
        }
        if !current.isEmpty {
            documents.append(current)
            lineNumbers.append(currentLines)
        }
        guard !documents.isEmpty else {
            throw DatasetError.format("the corpus \(name) has no sentences: write one sentence per line, with a blank line between documents")
        }
        guard documents.count >= 2 else {
            throw DatasetError.format(
                "the corpus \(name) has only one document (\(documents[0].count) sentence\(documents[0].count == 1 ? "" : "s")); next-sentence prediction takes its NotNext sentences from a different document, so it needs at least two: separate documents with a blank line")
        }
        self.name = name
        self.documents = documents
        self.lineNumbers = lineNumbers
    }

    /// The embedded demo corpus (`"demo"`) or a text file.
    public static func load(_ nameOrPath: String) throws -> PretrainingCorpus {
        if nameOrPath == demoName {
            return try PretrainingCorpus(text: DemoCorpus.text, name: demoName)
        }
        let bytes = try TextFileDecoding.readBytes(path: nameOrPath)
        let start = try TextFileDecoding.contentStart(bytes, source: nameOrPath)
        return try PretrainingCorpus(text: String(decoding: bytes[start...], as: UTF8.self), name: nameOrPath)
    }
}
