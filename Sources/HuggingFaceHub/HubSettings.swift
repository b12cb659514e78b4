import Foundation

/// Where the hub is and who the user is, from the same environment variables and files as
/// huggingface_hub (`constants.py`): `HF_ENDPOINT` (default https://huggingface.co), `HF_TOKEN`,
/// else the token file (`HF_TOKEN_PATH`, else `$HF_HOME/token`, else
/// `$XDG_CACHE_HOME/huggingface/token`, else `~/.cache/huggingface/token`, which
/// `huggingface-cli login` writes), `HF_HUB_OFFLINE`, and the cache root (`HF_HUB_CACHE`, else
/// `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`).
public struct HubSettings: Sendable {
    public var endpoint: URL
    public var token: String?
    /// `HF_HUB_OFFLINE` is set to a true value ("1", "ON", "YES", "TRUE"): no connection at all.
    public var offline: Bool
    /// The cache downloads go into.
    public var cache: URL

    public init(endpoint: URL, token: String?, offline: Bool, cache: URL) {
        self.endpoint = endpoint
        self.token = token
        self.offline = offline
        self.cache = cache
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                homeDirectory: URL = FileManager.default.homeDirectoryForCurrentUser) {
        func value(_ key: String) -> String? {
            guard let text = environment[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        func path(_ text: String) -> URL {
            if text == "~" { return homeDirectory }
            if text.hasPrefix("~/") { return homeDirectory.appendingPathComponent(String(text.dropFirst(2))) }
            return URL(fileURLWithPath: text)
        }
        let huggingFaceHome = value("HF_HOME").map(path)
            ?? (value("XDG_CACHE_HOME").map(path) ?? homeDirectory.appendingPathComponent(".cache")).appendingPathComponent("huggingface")
        var endpointText = value("HF_ENDPOINT") ?? "https://huggingface.co"
        while endpointText.hasSuffix("/") { endpointText.removeLast() }
        endpoint = URL(string: endpointText) ?? URL(string: "https://huggingface.co")!
        offline = ["1", "ON", "YES", "TRUE"].contains(value("HF_HUB_OFFLINE")?.uppercased() ?? "")
        cache = value("HF_HUB_CACHE").map(path) ?? huggingFaceHome.appendingPathComponent("hub")
        if let token = value("HF_TOKEN") {
            self.token = token
        } else {
            let file = value("HF_TOKEN_PATH").map(path) ?? huggingFaceHome.appendingPathComponent("token")
            let text = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            self.token = (text?.isEmpty ?? true) ? nil : text
        }
    }
}
