import Foundation
import ExactJSON

extension BertTokenizer {
    /// Loads the tokenizer of a Hugging Face model directory the way `transformers` 5's
    /// `BertTokenizer.from_pretrained` does: the vocabulary from `tokenizer.json` if present
    /// (what `transformers` 5 saves), else from `vocab.txt`; the normaliser options
    /// (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`), special tokens and
    /// `model_max_length` from `tokenizer_config.json` when it exists. With `tokenizer.json`
    /// alone, the options come from its `normalizer` (as `AutoTokenizer` reads it).
    public convenience init(directory: URL) throws {
        let fileManager = FileManager.default
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let tokenizerURL = directory.appendingPathComponent("tokenizer.json")
        let vocabURL = directory.appendingPathComponent("vocab.txt")
        let config = fileManager.fileExists(atPath: configURL.path) ? try TokenizerConfig(contentsOf: configURL) : nil
        if fileManager.fileExists(atPath: tokenizerURL.path) {
            try self.init(tokenizerJSON: tokenizerURL, config: config)
        } else if fileManager.fileExists(atPath: vocabURL.path) {
            try self.init(vocabFile: vocabURL, config: config)
        } else {
            throw WordPieceError(file: directory.path, "no tokenizer: neither tokenizer.json nor vocab.txt is in the directory")
        }
    }

    /// `vocab.txt` (one token a line, id = line number) with an optional `tokenizer_config.json`.
    public convenience init(vocabFile: URL, configFile: URL? = nil) throws {
        try self.init(vocabFile: vocabFile, config: configFile.map(TokenizerConfig.init(contentsOf:)))
    }

    /// `tokenizer.json` (the Rust `tokenizers` serialisation) with an optional `tokenizer_config.json`.
    public convenience init(tokenizerJSONFile: URL, configFile: URL? = nil) throws {
        try self.init(tokenizerJSON: tokenizerJSONFile, config: configFile.map(TokenizerConfig.init(contentsOf:)))
    }

    convenience init(vocabFile url: URL, config: TokenizerConfig?) throws {
        let bytes = try TokenizerConfig.readBytes(url)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw WordPieceError(file: url.path, "not valid UTF-8") }
        // Python's readlines() in text mode: \r\n and \r end lines too; the last newline adds no line.
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        guard !lines.isEmpty else { throw WordPieceError(file: url.path, "the vocabulary is empty") }
        let config = config ?? TokenizerConfig()
        try self.init(entries: lines.enumerated().map { ($0.element, $0.offset) },
                      normalizer: config.normalizer(fallback: BertNormalizer()),
                      unknownToken: config.unknownToken ?? "[UNK]", classifierToken: config.classifierToken ?? "[CLS]",
                      separatorToken: config.separatorToken ?? "[SEP]", paddingToken: config.paddingToken ?? "[PAD]",
                      maskToken: config.maskToken ?? "[MASK]", addedTokens: config.addedTokens,
                      continuingSubwordPrefix: "##", maxInputCharsPerWord: 100,
                      modelMaxLength: config.modelMaxLength, source: url.path)
    }

    convenience init(tokenizerJSON url: URL, config: TokenizerConfig?) throws {
        let path = url.path
        let root = try TokenizerConfig.readJSON(url)
        func fail(_ reason: String) -> WordPieceError { WordPieceError(file: path, reason) }
        guard let model = root["model"], model.members != nil else { throw fail("missing 'model'") }
        guard model["type"]?.stringValue == "WordPiece" else {
            throw fail("model.type is \(model["type"]?.stringValue.map { "'\($0)'" } ?? "missing"), only WordPiece is supported")
        }
        guard let vocabMembers = model["vocab"]?.members else { throw fail("model.vocab is missing or not an object") }
        let entries = try vocabMembers.map { member -> (String, Int) in
            guard let id = member.value.intValue else { throw fail("model.vocab['\(member.key)'] is not an integer id") }
            return (member.key, id)
        }
        func optionalString(_ value: TokenizerJSON?, _ name: String) throws -> String? {
            guard let value, !value.isNull else { return nil }
            guard let text = value.stringValue else { throw fail("\(name) is \(value.kindName), expected a string") }
            return text
        }
        func optionalBool(_ value: TokenizerJSON?, _ name: String) throws -> Bool? {
            guard let value, !value.isNull else { return nil }
            guard let flag = value.boolValue else { throw fail("\(name) is \(value.kindName), expected true, false or null") }
            return flag
        }
        let unknownToken = try optionalString(model["unk_token"], "model.unk_token") ?? "[UNK]"
        let prefix = try optionalString(model["continuing_subword_prefix"], "model.continuing_subword_prefix") ?? "##"
        var maxChars = 100
        if let value = model["max_input_chars_per_word"], !value.isNull {
            guard let count = value.intValue, count >= 0 else { throw fail("model.max_input_chars_per_word is not a count") }
            maxChars = count
        }

        // Without a normalizer tokenizers leaves the text as it is.
        var jsonNormalizer = BertNormalizer(cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false)
        if let normalizer = root["normalizer"], !normalizer.isNull {
            guard normalizer["type"]?.stringValue == "BertNormalizer" else {
                throw fail("normalizer.type is \(normalizer["type"]?.stringValue.map { "'\($0)'" } ?? "missing"), only BertNormalizer is supported")
            }
            jsonNormalizer = BertNormalizer(
                cleanText: try optionalBool(normalizer["clean_text"], "normalizer.clean_text") ?? true,
                handleChineseChars: try optionalBool(normalizer["handle_chinese_chars"], "normalizer.handle_chinese_chars") ?? true,
                stripAccents: try optionalBool(normalizer["strip_accents"], "normalizer.strip_accents"),
                lowercase: try optionalBool(normalizer["lowercase"], "normalizer.lowercase") ?? true)
        }
        if let preTokenizer = root["pre_tokenizer"], !preTokenizer.isNull, preTokenizer["type"]?.stringValue != "BertPreTokenizer" {
            throw fail("pre_tokenizer.type is \(preTokenizer["type"]?.stringValue.map { "'\($0)'" } ?? "missing"), only BertPreTokenizer is supported")
        }
        var addedTokens: [AddedToken] = []
        if let list = root["added_tokens"], !list.isNull {
            guard let elements = list.elements else { throw fail("added_tokens is not an array") }
            for (index, entry) in elements.enumerated() {
                addedTokens.append(try TokenizerConfig.addedToken(entry, id: entry["id"]?.intValue, where: "added_tokens[\(index)]", file: path))
            }
        }
        try self.init(entries: entries, normalizer: config?.normalizer(fallback: jsonNormalizer) ?? jsonNormalizer,
                      unknownToken: config?.unknownToken ?? unknownToken, classifierToken: config?.classifierToken ?? "[CLS]",
                      separatorToken: config?.separatorToken ?? "[SEP]", paddingToken: config?.paddingToken ?? "[PAD]",
                      maskToken: config?.maskToken ?? "[MASK]", addedTokens: addedTokens,
                      continuingSubwordPrefix: prefix, maxInputCharsPerWord: maxChars,
                      modelMaxLength: config?.modelMaxLength, source: path)
    }
}
