import ExactJSON
import Foundation

extension BertTokenizer {
    /// Writes `vocab.txt` (one token a line, id = line number) and `tokenizer_config.json`, the
    /// layout `transformers`' `BertTokenizer.from_pretrained` reads (and which this type loads
    /// back identically). `vocab.txt` holds the WordPiece vocabulary proper; every added token
    /// is listed in `added_tokens_decoder` with its id and flags, so tokens beyond the
    /// vocabulary keep their ids and stay matched before WordPiece.
    public func save(to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw WordPieceError(file: directory.path, "cannot create the directory: \(error.localizedDescription)")
        }
        var vocabulary = ""
        for token in idToToken[..<baseVocabularySize] {
            guard !token.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else {
                throw WordPieceError(file: directory.appendingPathComponent("vocab.txt").path,
                                     "token \(token.debugDescription) contains a line break and cannot be written to vocab.txt")
            }
            vocabulary += token + "\n"
        }
        let standard = Set([unknownToken, classifierToken, separatorToken, paddingToken, maskToken])
        var decoder: [String] = []
        for token in addedTokens.sorted(by: { $0.id < $1.id }) {
            let isStandard = standard.contains { $0.utf8.elementsEqual(token.content.utf8) }
            decoder.append("""
                "\(token.id)": {"content": \(JSONStringLiteral.quoted(token.content)), "lstrip": \(token.lstrip), \
            "normalized": \(token.normalized && !isStandard), "rstrip": \(token.rstrip), "single_word": false, \
            "special": \(token.special)}
            """)
        }
        var members = [
            "\"tokenizer_class\": \"BertTokenizer\"",
            "\"do_lower_case\": \(normalizer.lowercase)",
            "\"strip_accents\": \(normalizer.stripAccents.map(String.init) ?? "null")",
            "\"tokenize_chinese_chars\": \(normalizer.handleChineseChars)",
            "\"unk_token\": \(JSONStringLiteral.quoted(unknownToken))",
            "\"cls_token\": \(JSONStringLiteral.quoted(classifierToken))",
            "\"sep_token\": \(JSONStringLiteral.quoted(separatorToken))",
            "\"pad_token\": \(JSONStringLiteral.quoted(paddingToken))",
            "\"mask_token\": \(JSONStringLiteral.quoted(maskToken))",
        ]
        if let modelMaxLength { members.append("\"model_max_length\": \(modelMaxLength)") }
        members.append("\"added_tokens_decoder\": {\n" + decoder.joined(separator: ",\n") + "\n  }")
        let config = "{\n  " + members.joined(separator: ",\n  ") + "\n}\n"
        for (name, text) in [("vocab.txt", vocabulary), ("tokenizer_config.json", config)] {
            let url = directory.appendingPathComponent(name)
            do { try Data(text.utf8).write(to: url, options: .atomic) } catch {
                throw WordPieceError(file: url.path, "cannot write: \(error.localizedDescription)")
            }
        }
    }
}
