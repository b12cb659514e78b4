/// One rich output: the same content in several MIME types, the front end picks the richest
/// it can show. Every bundle the kernel sends has `text/plain`.
///
///     MimeBundle(plain: "accuracy 0.91", html: "<b>accuracy</b> 0.91", json: ["accuracy": 0.91])
///     // data: text/plain, text/html, application/vnd.bert-kernel+json
public struct MimeBundle: Equatable, Sendable {
    /// MIME type -> content (a string for text types and base64 images, a JSON value for
    /// `application/vnd.bert-kernel+json`).
    public var data: [String: JSON]
    /// MIME type -> metadata (e.g. `image/png` -> `{"width": 640}`).
    public var metadata: [String: JSON]

    public init(data: [String: JSON] = [:], metadata: [String: JSON] = [:]) {
        self.data = data
        self.metadata = metadata
    }

    /// The MIME type of the machine-readable numbers a result carries (metrics, probabilities,
    /// ids, series) for notebooks and scripts (SPEC section 4, "Outputs"). Not
    /// `application/json`: JupyterLab ranks that above `text/html` and would render every table as
    /// a collapsible JSON tree. A `+json` type is still sent and stored in the notebook as a JSON
    /// value (nbformat's schema treats every `application/...+json` type so), and front ends
    /// without a renderer for it fall back to the HTML.
    public static let numbersType = "application/vnd.bert-kernel+json"

    /// `text/plain`, optionally `text/html`, and the numbers as `numbersType`.
    public init(plain: String, html: String? = nil, json: JSON? = nil) {
        var data: [String: JSON] = ["text/plain": .string(plain)]
        if let html { data["text/html"] = .string(html) }
        if let json { data[Self.numbersType] = json }
        self.init(data: data)
    }

    public var plainText: String? { data["text/plain"]?.stringValue }
}

/// The output streams of a cell.
public enum StreamName: String, Sendable {
    case stdout, stderr
}

/// Where a running cell writes its output. The Jupyter kernel implements it by publishing
/// IOPub messages with the executing request as parent; `bert-kernel run` prints text.
///
/// Implementations must be safe to call from the thread that runs the cell.
public protocol OutputSink: AnyObject {
    /// Appends text to stdout or stderr.
    func stream(_ name: StreamName, _ text: String)
    /// Shows a rich output. A non-nil `displayID` lets later `updateDisplay` calls replace it.
    func display(_ bundle: MimeBundle, displayID: String?)
    /// Replaces the output shown earlier under `displayID` (progress bars).
    func updateDisplay(_ bundle: MimeBundle, displayID: String)
    /// Clears the cell's output; with `wait`, only when the next output arrives.
    func clearOutput(wait: Bool)
}
