import Display
import Foundation
import WordPiece

/// The tokenizer files `save(to:)` writes beside the weights, so that transformers'
/// `BertTokenizer.from_pretrained` (and `load(model:)`) reads the same vocabulary and options.
enum TokenizerFiles {
    /// `vocab.txt` (one token a line, the line number is the id) and `tokenizer_config.json`.
    static func files(for tokenizer: BertTokenizer) -> [String: Data] {
        let vocabulary = tokenizer.idToToken.joined(separator: "\n") + "\n"
        let n = tokenizer.normalizer
        var config: [String: JSON] = [
            "tokenizer_class": "BertTokenizer",
            "do_lower_case": .bool(n.lowercase),
            "strip_accents": n.stripAccents.map { .bool($0) } ?? .null,
            "tokenize_chinese_chars": .bool(n.handleChineseChars),
            "unk_token": .string(tokenizer.unknownToken), "cls_token": .string(tokenizer.classifierToken),
            "sep_token": .string(tokenizer.separatorToken), "pad_token": .string(tokenizer.paddingToken),
            "mask_token": .string(tokenizer.maskToken),
        ]
        if let maximum = tokenizer.modelMaxLength { config["model_max_length"] = .int(maximum) }
        return [
            "vocab.txt": Data(vocabulary.utf8),
            "tokenizer_config.json": JSON.object(config).serializedData(),
        ]
    }
}
