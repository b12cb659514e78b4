import Foundation
import ExactJSON

/// The parts of `tokenizer_config.json` the tokenizer uses.
struct TokenizerConfig {
    var doLowerCase: Bool?
    var stripAccents: Bool?
    var tokenizeChineseChars: Bool?
    var unknownToken: String?
    var classifierToken: String?
    var separatorToken: String?
    var paddingToken: String?
    var maskToken: String?
    var modelMaxLength: Int?
    var addedTokens: [AddedToken] = []
    /// Whether the file existed (then its options replace tokenizer.json's normalizer).
    var isPresent = false

    init() {}

    init(contentsOf url: URL) throws {
        let root = try Self.readJSON(url)
        let path = url.path
        guard root.members != nil else { throw WordPieceError(file: path, "expected a JSON object") }
        isPresent = true
        func bool(_ key: String) throws -> Bool? {
            guard let value = root[key], !value.isNull else { return nil }
            guard let flag = value.boolValue else { throw WordPieceError(file: path, "'\(key)' is \(value.kindName), expected true, false or null") }
            return flag
        }
        func token(_ key: String) throws -> String? {
            guard let value = root[key], !value.isNull else { return nil }
            if let text = value.stringValue { return text }
            // Older configs store special tokens as AddedToken objects.
            if let content = value["content"]?.stringValue { return content }
            throw WordPieceError(file: path, "'\(key)' is \(value.kindName), expected a token string")
        }
        doLowerCase = try bool("do_lower_case")
        stripAccents = try bool("strip_accents")
        tokenizeChineseChars = try bool("tokenize_chinese_chars")
        unknownToken = try token("unk_token")
        classifierToken = try token("cls_token")
        separatorToken = try token("sep_token")
        paddingToken = try token("pad_token")
        maskToken = try token("mask_token")
        // transformers writes 1e30 for "no limit"; only a usable length is kept.
        if let length = root["model_max_length"]?.doubleValue, length >= 1, length <= 1_000_000 { modelMaxLength = Int(length) }
        if let decoder = root["added_tokens_decoder"], !decoder.isNull {
            guard let members = decoder.members else { throw WordPieceError(file: path, "added_tokens_decoder is not an object") }
            for (key, entry) in members {
                guard let id = Int(key) else { throw WordPieceError(file: path, "added_tokens_decoder key '\(key)' is not an id") }
                addedTokens.append(try Self.addedToken(entry, id: id, where: "added_tokens_decoder['\(key)']", file: path))
            }
        }
    }

    /// The normaliser of `BertTokenizer.__init__`: clean text always on, options from this file
    /// with `transformers`' defaults; without the file, `fallback`.
    func normalizer(fallback: BertNormalizer) -> BertNormalizer {
        guard isPresent else { return fallback }
        return BertNormalizer(cleanText: true, handleChineseChars: tokenizeChineseChars ?? true,
                              stripAccents: stripAccents, lowercase: doLowerCase ?? true)
    }

    /// An added token as both files store it: `{"content", "lstrip", "rstrip", "normalized", "special", ...}`.
    static func addedToken(_ entry: TokenizerJSON, id: Int?, where place: String, file: String) throws -> AddedToken {
        guard let content = entry["content"]?.stringValue, !content.isEmpty, let id else {
            throw WordPieceError(file: file, "\(place) needs a non-empty 'content' and an integer 'id'")
        }
        if entry["single_word"]?.boolValue == true {
            throw WordPieceError(file: file, "\(place) ('\(content)') uses single_word, which is not supported")
        }
        let special = entry["special"]?.boolValue ?? false
        return AddedToken(content: content, id: id, special: special, normalized: entry["normalized"]?.boolValue ?? !special,
                          lstrip: entry["lstrip"]?.boolValue ?? false, rstrip: entry["rstrip"]?.boolValue ?? false)
    }

    static func readBytes(_ url: URL) throws -> [UInt8] {
        // A named pipe would block the kernel in open(2) until a writer appears (issue 13).
        let resolved = url.resolvingSymlinksInPath().path
        if let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType,
           type != .typeRegular, type != .typeDirectory {
            throw WordPieceError(file: url.path, "is a named pipe, device or socket, not a regular file")
        }
        do { return [UInt8](try Data(contentsOf: url)) } catch {
            throw WordPieceError(file: url.path, "cannot read: \(error.localizedDescription)")
        }
    }

    static func readJSON(_ url: URL) throws -> TokenizerJSON {
        do { return try OrderedJSON.parse(readBytes(url), allowByteOrderMark: true) } catch let error as OrderedJSONError {
            throw WordPieceError(file: url.path, error.description)
        }
    }
}
