extension BertTokenizer {
    /// Tokens of ids; an id outside the vocabulary gives the unknown token.
    public func tokens(of ids: [Int]) -> [String] {
        ids.map { $0 >= 0 && $0 < idToToken.count ? idToToken[$0] : unknownToken }
    }

    /// Text of ids as `tokenizers`' WordPiece decoder makes it: continuation pieces lose `##`
    /// and join the previous piece, other tokens get a leading space, and each token is
    /// cleaned of spaces before `.`, `?`, `!`, `,` and English contractions (`cleanup: true`).
    /// `decode([101, 7592, 1010, 2088, 102])` -> `"[CLS] hello, world [SEP]"`.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        let kept = skipSpecialTokens ? ids.filter { !isSpecial($0) } : ids
        var text = ""
        let prefix = Array(model.continuingSubwordPrefix.unicodeScalars)
        for (index, token) in tokens(of: kept).enumerated() {
            var piece = token
            if index > 0 {
                // Compare scalars: in "##ि" the mark joins the second '#' into one Character.
                let scalars = Array(token.unicodeScalars)
                if !prefix.isEmpty, scalars.starts(with: prefix) {
                    var view = String.UnicodeScalarView()
                    view.append(contentsOf: scalars[prefix.count...])
                    piece = String(view)
                } else {
                    piece = " " + piece
                }
            }
            text += Self.cleanup(piece)
        }
        return text
    }

    /// `tokenizers`' `decoders::wordpiece::cleanup`, applied per token.
    static func cleanup(_ token: String) -> String {
        guard token.contains(" ") else { return token }
        return token
            .replacingAll(" .", with: ".")
            .replacingAll(" ?", with: "?")
            .replacingAll(" !", with: "!")
            .replacingAll(" ,", with: ",")
            .replacingAll(" ' ", with: "'")
            .replacingAll(" n't", with: "n't")
            .replacingAll(" 'm", with: "'m")
            .replacingAll(" do not", with: " don't")
            .replacingAll(" 's", with: "'s")
            .replacingAll(" 've", with: "'ve")
            .replacingAll(" 're", with: "'re")
    }
}

extension String {
    /// Replaces every non-overlapping occurrence, left to right (Rust `str::replace`), comparing
    /// Unicode scalars so that combining marks are never merged into the pattern.
    func replacingAll(_ pattern: String, with replacement: String) -> String {
        let source = Array(unicodeScalars)
        let needle = Array(pattern.unicodeScalars)
        guard !needle.isEmpty, source.count >= needle.count else { return self }
        var result = String.UnicodeScalarView()
        var index = 0
        while index < source.count {
            if index + needle.count <= source.count, Array(source[index..<index + needle.count]) == needle {
                result.append(contentsOf: replacement.unicodeScalars)
                index += needle.count
            } else {
                result.append(source[index])
                index += 1
            }
        }
        return String(result)
    }
}
