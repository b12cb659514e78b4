import Bert
import Display
import Foundation
import HuggingFaceHub

/// `load(model:)`'s way to the hub: a name found nowhere locally is downloaded (issue 19).
extension Session {
    /// The directory of `name`: found by `ModelLocator`, else downloaded by `HubModelDownload`
    /// into the hub cache, with a progress display on `output`. Offline (`HF_HUB_OFFLINE`), or
    /// when the hub cannot be reached, the error lists the places searched and how to download.
    func locateOrDownload(_ name: String, revision: String?, output: OutputSink?,
                          environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let locator = ModelLocator(environment: environment)
        let notFound: ModelNotFoundError
        do { return try locator.locate(name, revision: revision) } catch let error as ModelNotFoundError {
            notFound = error
        }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        let isHubName = !trimmed.isEmpty && parts.count <= 2 && parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && part.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        }
        guard isHubName else { throw notFound }
        let settings = HubSettings(environment: environment)
        let searched = notFound.description
        let howToDownload = "on a machine with a network, `huggingface-cli download \(trimmed)"
            + (revision.map { " --revision \($0)" } ?? "") + "` (or load(model:) itself) fills that cache"
        if settings.offline {
            throw SessionError(.file, searched + "\nHF_HUB_OFFLINE is set, so the hub was not asked; unset it to download, or "
                               + howToDownload, argument: "model")
        }
        output?.stream(.stdout, "\(trimmed) is not on this machine; downloading it from \(settings.endpoint.absoluteString) "
                       + "into \(settings.cache.path)\n")
        var progress: ProgressBar?
        let lock = NSLock()
        do {
            return try HubModelDownload.download(trimmed, revision: revision ?? "main", settings: settings, onProgress: { bytes, total in
                guard let output, total > 0 else { return }
                lock.lock()
                defer { lock.unlock() }
                let megabytes = { (value: Int64) in String(format: "%.1f", Double(value) / 1e6) }
                if progress == nil {
                    progress = ProgressBar(output: output, title: "download \(trimmed)", total: Int((Double(total) / 1e6).rounded(.up)),
                                           unit: "MB", unitPlural: "MB")
                }
                let metrics = [("", "\(megabytes(bytes)) of \(megabytes(total)) MB")]
                if bytes >= total { progress?.finish(Int((Double(total) / 1e6).rounded(.up)), metrics: metrics) }
                else { progress?.update(Int(Double(bytes) / 1e6), metrics: metrics) }
            }, shouldCancel: { [weak self] in self?.isInterrupted ?? true })
        } catch is CancellationError {
            throw SessionError.interrupted
        } catch let error as HubError {
            switch error.kind {
            case .unreachable:
                throw SessionError(.file, searched + "\nand the hub: " + error.message + ". Connect and load again, or "
                                   + howToDownload, argument: "model")
            case .repositoryNotFound:
                let matches = HubRepository(id: trimmed, settings: settings).closeMatches()
                throw SessionError(.file, error.message + (matches.isEmpty ? "" : ". Close names on the hub: " + matches.joined(separator: ", "))
                                   + "\nNot on this machine either; " + searched, argument: "model")
            default:
                throw error
            }
        }
    }
}
