import Crypto
import ExactJSON
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One model repository on the hub, fetched file by file into huggingface_hub's cache layout
/// (huggingface_hub `file_download.py`, `hf_hub_download`), so that either reuses what the other
/// fetched:
///
///     <cache>/models--ORG--NAME/blobs/<etag>                  the file, named by its etag
///     <cache>/models--ORG--NAME/snapshots/<commit>/<file>     a relative link to ../../blobs/<etag>
///     <cache>/models--ORG--NAME/refs/<revision>               the commit the revision resolved to
///
/// A file is fetched in two steps, as there: HEAD on `<endpoint>/<repo>/resolve/<revision>/<file>`
/// without following redirects gives the commit (`X-Repo-Commit`), the etag (`X-Linked-Etag` for
/// large files, which is their sha256, else `ETag`), the size (`X-Linked-Size`, else
/// `Content-Length`) and where the bytes are (`Location`); a blob already cached is only linked.
/// Otherwise the bytes go to `blobs/<etag>.incomplete`, resumed with a Range request after a
/// dropped connection (here and in the next session), checked against the size and, for a
/// sha256 etag, the digest, and only then renamed into place and linked: nothing enters a
/// snapshot until it is complete.
///
///     let repository = HubRepository(id: "google-bert/bert-base-uncased", revision: "main", settings: HubSettings())
///     if let file = try repository.metadata(of: "config.json") { try repository.fetch("config.json", file) }
public final class HubRepository {
    public struct FileMetadata: Equatable {
        public let commit: String
        /// Quotes and `W/` removed, as `_normalize_etag` does.
        public let etag: String
        public let size: Int64
        /// Where the bytes are: the redirect's target, or the resolve URL itself.
        public let location: URL
    }

    /// Bytes of one file done so far.
    public struct Progress {
        public let file: String
        public let bytes: Int64
        public let total: Int64
    }

    public let id: String
    public let revision: String
    public let settings: HubSettings
    /// Called as bytes arrive (from URLSession's thread).
    public var onProgress: ((Progress) -> Void)?
    /// Polled per chunk: true cancels the download (the partial file stays for a resume).
    public var shouldCancel: () -> Bool = { false }

    private let http = HubHTTP()
    /// Attempts per file when the connection drops half way; each resumes where the last stopped.
    static let attempts = 4

    public init(id: String, revision: String = "main", settings: HubSettings) {
        self.id = id
        self.revision = revision
        self.settings = settings
    }

    deinit { http.invalidate() }

    /// `<cache>/models--ORG--NAME`.
    public var folder: URL {
        settings.cache.appendingPathComponent("models--" + id.replacingOccurrences(of: "/", with: "--"))
    }

    /// The file's metadata, or nil when the repository has no such file (404 `EntryNotFound`).
    public func metadata(of file: String) throws -> FileMetadata? {
        let url = resolveURL(file)
        var request = makeRequest(url, method: "HEAD")
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        let response = try send(request, followRedirects: false)
        if let error = try classify(response, file: file) { throw error }
        if response.status == 404 { return nil }
        guard let commit = response.headers["x-repo-commit"], !commit.isEmpty else {
            throw HubError(.other, "\(settings.endpoint.absoluteString) answered for \(id)/\(file) without X-Repo-Commit: "
                           + "is HF_ENDPOINT a Hugging Face hub?")
        }
        guard let rawEtag = response.headers["x-linked-etag"] ?? response.headers["etag"] else {
            throw HubError(.other, "the hub's answer for \(id)/\(file) has no ETag")
        }
        var etag = rawEtag.trimmingCharacters(in: .whitespaces)
        if etag.hasPrefix("W/") { etag.removeFirst(2) }
        etag = etag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard !etag.isEmpty, etag.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw HubError(.other, "the hub's etag for \(id)/\(file) ('\(rawEtag)') cannot name a cache file")
        }
        guard let size = Int64(response.headers["x-linked-size"] ?? response.headers["content-length"] ?? ""), size >= 0 else {
            throw HubError(.other, "the hub's answer for \(id)/\(file) gives no size")
        }
        var location = url
        if (300..<400).contains(response.status), let target = response.headers["location"] {
            location = URL(string: target, relativeTo: url)?.absoluteURL ?? url
        }
        return FileMetadata(commit: commit, etag: etag, size: size, location: location)
    }

    /// Makes `file` of `metadata.commit` present: downloads its blob unless cached, then links it
    /// into the snapshot. Returns the snapshot path.
    @discardableResult
    public func fetch(_ file: String, _ metadata: FileMetadata) throws -> URL {
        let fileManager = FileManager.default
        let blobs = folder.appendingPathComponent("blobs")
        let blob = blobs.appendingPathComponent(metadata.etag)
        try createFolder(blobs)
        if !fileManager.fileExists(atPath: blob.path) {
            let incomplete = blobs.appendingPathComponent(metadata.etag + ".incomplete")
            try download(file, metadata, to: incomplete)
            try verify(incomplete, file, metadata)
            do { try fileManager.moveItem(at: incomplete, to: blob) } catch {
                if !fileManager.fileExists(atPath: blob.path) { throw HubError(.other, "cannot move \(incomplete.path) into place: \(error.localizedDescription)") }
            }
        }
        let snapshot = folder.appendingPathComponent("snapshots").appendingPathComponent(metadata.commit)
        let link = snapshot.appendingPathComponent(file)
        try createFolder(link.deletingLastPathComponent())
        // Relative, as huggingface_hub's _create_symlink: ../../blobs/<etag> (one more .. per subfolder).
        let depth = file.split(separator: "/").count + 1
        let target = String(repeating: "../", count: depth) + "blobs/" + metadata.etag
        if (try? fileManager.destinationOfSymbolicLink(atPath: link.path)) != target {
            try? fileManager.removeItem(at: link)
            do { try fileManager.createSymbolicLink(atPath: link.path, withDestinationPath: target) } catch {
                throw HubError(.other, "cannot link \(link.path): \(error.localizedDescription)")
            }
        }
        return link
    }

    /// Writes `refs/<revision>` = commit (unless the revision is the commit itself), which is how
    /// huggingface_hub and `ModelLocator` find the snapshot of a branch or tag offline.
    public func writeReference(commit: String) throws {
        guard revision != commit else { return }
        let reference = folder.appendingPathComponent("refs").appendingPathComponent(revision)
        try createFolder(reference.deletingLastPathComponent())
        do { try Data(commit.utf8).write(to: reference, options: .atomic) } catch {
            throw HubError(.other, "cannot write \(reference.path): \(error.localizedDescription)")
        }
    }

    /// Model ids close to `name` from the hub's search (`/api/models?search=`), for a not-found message.
    public func closeMatches(limit: Int = 5) -> [String] {
        let name = id.split(separator: "/").last.map(String.init) ?? id
        var components = URLComponents(url: settings.endpoint.appendingPathComponent("api/models"), resolvingAgainstBaseURL: false)
        components?.queryItems = [URLQueryItem(name: "search", value: name), URLQueryItem(name: "limit", value: String(limit))]
        guard let url = components?.url, let response = try? send(makeRequest(url, method: "GET")), response.status == 200,
              let list = try? OrderedJSON.parse([UInt8](response.body)), let elements = list.elements else { return [] }
        return elements.compactMap { $0["id"]?.stringValue ?? $0["modelId"]?.stringValue }.filter { $0 != id }.prefix(limit).map { $0 }
    }

    // MARK: - Transfer

    private func download(_ file: String, _ metadata: FileMetadata, to incomplete: URL) throws {
        let fileManager = FileManager.default
        var lastError: Error?
        for _ in 0..<Self.attempts {
            let start = ((try? fileManager.attributesOfItem(atPath: incomplete.path))?[.size] as? NSNumber)?.int64Value ?? 0
            if start == metadata.size { return }
            if start > metadata.size { try? fileManager.removeItem(at: incomplete) }
            if !fileManager.fileExists(atPath: incomplete.path) {
                guard fileManager.createFile(atPath: incomplete.path, contents: nil) else {
                    throw HubError(.other, "cannot create \(incomplete.path)")
                }
            }
            let handle: FileHandle
            do { handle = try FileHandle(forWritingTo: incomplete) } catch {
                throw HubError(.other, "cannot write \(incomplete.path): \(error.localizedDescription)")
            }
            defer { try? handle.close() }
            let offset = (try? handle.seekToEnd()) ?? 0
            var request = makeRequest(metadata.location, method: "GET")
            if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
            let total = metadata.size
            let response: HubHTTP.Response
            do {
                response = try http.send(request, sink: handle, restartOn200: offset > 0) { [weak self] _ in
                    guard let self else { return false }
                    let done = Int64(handle.offsetInFile)
                    self.onProgress?(Progress(file: file, bytes: done, total: total))
                    return !self.shouldCancel()
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A dropped connection: the bytes so far stay, the next attempt asks for the rest.
                lastError = error
                continue
            }
            if response.status == 416 {
                try? handle.truncate(atOffset: 0)
                continue
            }
            if let error = try classify(response, file: file) { throw error }
            guard response.status == 200 || response.status == 206 else {
                throw HubError(.other, "the hub answered \(response.status) when downloading \(id)/\(file)")
            }
            let size = Int64(handle.offsetInFile)
            if size == metadata.size { return }
            lastError = HubError(.other, "the connection ended after \(size) of \(metadata.size) bytes")
        }
        throw HubError(.unreachable, "downloading \(id)/\(file) failed \(Self.attempts) times"
                       + (lastError.map { " (last: \(Self.describe($0)))" } ?? "")
                       + "; the \(Self.megabytes(fileSize(incomplete))) downloaded so far are kept in \(incomplete.path) "
                       + "and the next load resumes from there")
    }

    private func verify(_ incomplete: URL, _ file: String, _ metadata: FileMetadata) throws {
        let size = fileSize(incomplete)
        guard size == metadata.size else {
            try? FileManager.default.removeItem(at: incomplete)
            throw HubError(.integrity, "\(id)/\(file): got \(size) bytes, the hub announced \(metadata.size); the download was discarded")
        }
        // Large (LFS) files have their sha256 as etag; small ones a git blob id, not checked.
        let isSHA256 = metadata.etag.count == 64 && metadata.etag.allSatisfy(\.isHexDigit)
        guard isSHA256 else { return }
        var hasher = SHA256()
        guard let handle = try? FileHandle(forReadingFrom: incomplete) else { throw HubError(.other, "cannot read \(incomplete.path)") }
        defer { try? handle.close() }
        while let chunk = try? handle.read(upToCount: 1 << 22), !chunk.isEmpty { hasher.update(data: chunk) }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        guard digest == metadata.etag.lowercased() else {
            try? FileManager.default.removeItem(at: incomplete)
            throw HubError(.integrity, "\(id)/\(file): the sha256 of the download (\(digest)) is not the one the hub announced "
                           + "(\(metadata.etag)); it was discarded and not linked. Try again; if it persists, the server or a proxy "
                           + "is corrupting the file")
        }
    }

    // MARK: - Requests and answers

    private func resolveURL(_ file: String) -> URL {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encodedRevision = revision.addingPercentEncoding(withAllowedCharacters: allowed) ?? revision
        let encodedFile = file.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
        return URL(string: settings.endpoint.absoluteString + "/" + id + "/resolve/" + encodedRevision + "/" + encodedFile)!
    }

    private func makeRequest(_ url: URL, method: String) -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("bert-kernel", forHTTPHeaderField: "User-Agent")
        // The token is for the hub only: a large file's storage host (a CDN with a signed URL) never sees it.
        if let token = settings.token, url.host == settings.endpoint.host, url.port == settings.endpoint.port {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        return request
    }

    private func send(_ request: URLRequest, followRedirects: Bool = true) throws -> HubHTTP.Response {
        do { return try http.send(request, followRedirects: followRedirects) } catch {
            throw HubError(.unreachable, "cannot reach \(settings.endpoint.absoluteString) (\(Self.describe(error)))")
        }
    }

    /// The hub's error answers (`X-Error-Code`, huggingface_hub `utils/_http.py`,
    /// `hf_raise_for_status`), as a `HubError`; nil for success and for a missing file.
    private func classify(_ response: HubHTTP.Response, file: String) throws -> HubError? {
        let code = response.headers["x-error-code"] ?? ""
        let serverMessage = response.headers["x-error-message"].map { " (the hub says: \($0))" } ?? ""
        let tokenAdvice = settings.token == nil
            ? "set HF_TOKEN to an access token (https://huggingface.co/settings/tokens), or run `huggingface-cli login`, then load again"
            : "the token in use (HF_TOKEN or the token file) was refused: check it has access to \(id)"
        switch (response.status, code) {
        case (_, "RepoNotFound"):
            return HubError(.repositoryNotFound(suggestions: []), "there is no model '\(id)' on \(settings.endpoint.absoluteString)"
                            + serverMessage + "; if it is private, " + tokenAdvice)
        case (_, "GatedRepo"):
            return HubError(.unauthorized, "'\(id)' is a gated model: ask for access on its page (\(settings.endpoint.absoluteString)/\(id)), "
                            + "then " + tokenAdvice)
        case (_, "RevisionNotFound"):
            return HubError(.revisionNotFound, "'\(id)' has no revision '\(revision)' (a branch, tag or commit)" + serverMessage)
        case (401, _), (403, _):
            return HubError(.unauthorized, "the hub refused access to '\(id)' (\(response.status))\(serverMessage); " + tokenAdvice)
        case (404, _), (200..<400, _):
            return nil
        default:
            return HubError(.other, "the hub answered \(response.status) for \(id)/\(file)\(serverMessage)")
        }
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? URLError { return "\(error.localizedDescription), code \(error.code.rawValue)" }
        return "\(error)"
    }

    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

    private func fileSize(_ url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    private func createFolder(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw HubError(.other, "cannot create \(url.path): \(error.localizedDescription)")
        }
    }
}
