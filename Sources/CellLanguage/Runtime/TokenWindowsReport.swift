import Display
import WordPiece

/// What `tokenize(text, maxLength:, stride:)` shows: every window of the text, each as
/// `tokenize` shows one encoding.
public struct TokenWindowsReport {
    /// Each window, `[CLS] ... [SEP]`, in transformers' order.
    public let windows: [BertEncoding]
    /// The length of the whole text (with `[CLS]`/`[SEP]`).
    public let untruncatedCount: Int
    public let maxLength: Int
    public let stride: Int

    public var json: JSON {
        [
            "windows": .array(windows.map { TokenizationReport(encoding: $0, untruncatedCount: $0.count, maxLength: maxLength).json }),
            "untruncated_length": .int(untruncatedCount), "max_length": .int(maxLength), "stride": .int(stride),
        ]
    }

    var caption: String {
        guard windows.count > 1 else { return "\(untruncatedCount) tokens: one window of at most \(maxLength) tokens holds them all" }
        return "\(untruncatedCount) tokens as \(windows.count) windows of at most \(maxLength) tokens, each sharing \(stride) with the next"
    }

    public var bundle: MimeBundle {
        var plain = caption
        var html = "<p>\(HTML.escape(caption))</p>"
        for (i, window) in windows.enumerated() {
            let one = TokenizationReport(encoding: window, untruncatedCount: window.count, maxLength: maxLength).bundle
            plain += "\nwindow \(i + 1): " + window.tokens.joined(separator: " ")
            html += "<h4>window \(i + 1) of \(windows.count)</h4>" + (one.data["text/html"]?.stringValue ?? "")
        }
        return MimeBundle(plain: plain, html: html, json: json)
    }
}
