import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(CRenameExchange)
import CRenameExchange
#endif

/// The folder a save writes, and the rules that keep a save from deleting anything it did not
/// write (issue 13):
///
/// - A save may replace only a folder that is empty or that an earlier save wrote and that holds
///   nothing else: every save writes the marker `.bert-kernel-save` first, listing its files,
///   and a folder with any entry the marker does not list is refused, naming what is there.
/// - Never the working directory or a folder that holds it, the home folder, or `/`.
/// - The new model is written to a hidden sibling `.NAME.saving-XXXXXXXX`, synced to disk, and
///   swapped with the old one in one `renameat2(RENAME_EXCHANGE)`, so the path always holds a
///   whole model, old or new; then the old one's files are removed by name (never recursively).
/// - A save killed half-way leaves `.NAME.saving-*` (and the previous code `.NAME.old-*`) behind;
///   the next save to the same name restores an `.old` copy when the target is missing and
///   removes the rest, again only the files a save writes, and not a folder another kernel's
///   save holds locked.
struct SaveDirectory {
    static let markerName = ".bert-kernel-save"
    /// What saves wrote before the marker existed; only used to clear their leftovers.
    static let unmarkedFiles: Set<String> = ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"]
    /// Foundation's `.atomic` writes go through `.dat.nosync*` siblings; a killed save can leave one.
    static let foundationTemporaryPrefix = ".dat.nosync"

    enum Existing: Equatable {
        case absent
        case empty
        /// The folder of an earlier save, holding only what its marker lists.
        case earlierSave
    }

    let target: URL
    let parent: URL
    let name: String
    private let fileManager = FileManager.default

    init(_ target: URL) {
        self.target = target.standardizedFileURL
        parent = self.target.deletingLastPathComponent()
        name = self.target.lastPathComponent
    }

    private var path: String { target.path }

    // MARK: - Checks

    /// Refuses `/`, the home folder, and the working directory or any folder that holds it:
    /// replacing those would pull the notebook's own folder away even when they hold only a model.
    func refuseProtectedFolders() throws {
        let resolved = target.resolvingSymlinksInPath().path
        let workingDirectory = URL(fileURLWithPath: fileManager.currentDirectoryPath).resolvingSymlinksInPath().path
        let home = fileManager.homeDirectoryForCurrentUser.resolvingSymlinksInPath().path
        let what: String?
        if resolved == "/" {
            what = "the root folder"
        } else if resolved == home {
            what = "your home folder"
        } else if resolved == workingDirectory {
            what = "the working directory (the notebook's folder)"
        } else if workingDirectory.hasPrefix(resolved + "/") {
            what = "a folder that holds the working directory \(workingDirectory)"
        } else {
            what = nil
        }
        if let what {
            let suggestion = Self.freeName(in: URL(fileURLWithPath: workingDirectory), base: "saved-model")
            throw BertError(.file, "\(path) is \(what); save never replaces it. Nothing was changed; "
                            + "save to a new folder such as \"\(suggestion)\"")
        }
    }

    /// What is at the target now; throws unless a save may replace it.
    func existing() throws -> Existing {
        if let destination = try? fileManager.destinationOfSymbolicLink(atPath: path) {
            throw BertError(.file, "\(path) is a symbolic link (to \(destination)); save does not replace links. "
                            + "Nothing was changed; save to a new name such as \"\(suggestion)\"")
        }
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return .absent }
        guard isDirectory.boolValue else {
            throw BertError(.file, "\(path) exists and is a file, not a folder. Nothing was changed; "
                            + "save to a new name such as \"\(suggestion)\"")
        }
        let entries: [String]
        do { entries = try fileManager.contentsOfDirectory(atPath: path).sorted() } catch {
            throw BertError(.file, "cannot look inside \(path): " + FileFailure.sentence(error, path: path))
        }
        if entries.isEmpty { return .empty }
        guard let listed = Self.markedFiles(in: target) else {
            // A model folder without our marker: saved by transformers, or by bert-kernel before
            // the marker existed. It may be someone's only copy, so it is refused as well.
            let looksLikeModel = entries.contains("config.json") && entries.contains("model.safetensors")
            let what = looksLikeModel
                ? "a model that carries no \(Self.markerName) marker (saved by transformers, or by an older bert-kernel)"
                    + ", so it may be the only copy; delete the folder yourself to reuse its name"
                : "\(Self.list(entries)), not written by save(to:); save never replaces a folder that holds other files"
            throw BertError(.file, "\(path) already holds \(what). Nothing was changed; save to a new name "
                            + "such as \"\(suggestion)\"")
        }
        let foreign = entries.filter { $0 != Self.markerName && !listed.contains($0) }
        guard foreign.isEmpty else {
            throw BertError(.file, "\(path) holds a saved model and also \(Self.list(foreign)), which no save wrote; "
                            + "save never replaces a folder that holds other files. Nothing was changed; move those "
                            + "files away or save to a new name such as \"\(suggestion)\"")
        }
        return .earlierSave
    }

    /// The files a save's marker lists, or nil when `folder` has no readable marker.
    static func markedFiles(in folder: URL) -> Set<String>? {
        let marker = folder.appendingPathComponent(markerName)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: marker.path))?[.size] as? Int,
              size < 65_536, let text = try? String(contentsOf: marker, encoding: .utf8) else { return nil }
        return Set(text.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    /// The marker's text: a note for a person who finds it, then one file name per line.
    static func markerText(files: [String]) -> String {
        "# Written by bert-kernel's save(to:). A later save(to:) may replace this folder while it holds\n"
            + "# only the files listed here; add anything else and the folder is never replaced.\n"
            + files.joined(separator: "\n") + "\n"
    }

    private var suggestion: String { Self.freeName(in: parent, base: name + "-model") }

    /// `folder/base`, or `folder/base-2`, `-3`, ... whichever does not exist yet.
    static func freeName(in folder: URL, base: String) -> String {
        var candidate = folder.appendingPathComponent(base).path
        var n = 2
        while FileManager.default.fileExists(atPath: candidate), n < 1000 {
            candidate = folder.appendingPathComponent("\(base)-\(n)").path
            n += 1
        }
        return candidate
    }

    static func list(_ names: [String]) -> String {
        let shown = names.prefix(8).joined(separator: ", ")
        return names.count > 8 ? "\(shown) and \(names.count - 8) more" : shown
    }

    // MARK: - Leftovers of earlier saves

    /// Whether `entry` (in the parent folder) is `.NAME.<kind>-XXXXXXXX`, a save's own sibling.
    func isLeftover(_ entry: String, kind: String) -> Bool {
        let prefix = ".\(name).\(kind)-"
        guard entry.hasPrefix(prefix) else { return false }
        let token = entry.dropFirst(prefix.count)
        return token.count == 8 && token.allSatisfy { $0.isHexDigit }
    }

    /// Puts back an `.old` copy when the target is missing (a save killed between two renames,
    /// before the single-step swap existed), then clears every other leftover of ours.
    func recoverLeftovers() {
        guard let entries = try? fileManager.contentsOfDirectory(atPath: parent.path) else { return }
        var olds = entries.filter { isLeftover($0, kind: "old") }
        let savings = entries.filter { isLeftover($0, kind: "saving") }
        if !fileManager.fileExists(atPath: path), (try? fileManager.destinationOfSymbolicLink(atPath: path)) == nil,
           let newest = olds.max(by: { modificationDate($0) < modificationDate($1) }) {
            if Self.rename(parent.appendingPathComponent(newest).path, to: path, replace: false) == 0 {
                olds.removeAll { $0 == newest }
            }
        }
        for leftover in olds + savings where !Self.isBeingWritten(parent.appendingPathComponent(leftover)) {
            Self.removeSaveFiles(in: parent.appendingPathComponent(leftover), includingTemporaries: true)
        }
    }

    private func modificationDate(_ entry: String) -> Date {
        let attributes = try? fileManager.attributesOfItem(atPath: parent.appendingPathComponent(entry).path)
        return attributes?[.modificationDate] as? Date ?? .distantPast
    }

    /// Removes, by name, the files a save wrote in `folder` (those its marker lists, or the
    /// standard ones when it has none), then the folder if that left it empty. Anything else
    /// stays where it is, and so does the folder.
    static func removeSaveFiles(in folder: URL, includingTemporaries: Bool = false) {
        let fm = FileManager.default
        let ours = (markedFiles(in: folder) ?? unmarkedFiles).union([markerName])
        guard let entries = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
        for entry in entries
        where ours.contains(entry) || (includingTemporaries && entry.hasPrefix(foundationTemporaryPrefix)) {
            let file = folder.appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                // The marker goes last, so a removal cut short still names what remains.
                if entry != markerName { try? fm.removeItem(at: file) }
            }
        }
        let remaining = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
        if remaining.contains(markerName), !remaining.contains(where: { $0 != markerName && ours.contains($0) }) {
            try? fm.removeItem(at: folder.appendingPathComponent(markerName))
        }
        _ = rmdir(folder.path)
    }

    // MARK: - Writing and the swap

    /// A staging folder being written, and the open marker whose lock tells other kernels'
    /// cleanup that this save is still running (flock: the kernel drops it when the process
    /// dies, so a killed save's folder is free to clear at once).
    struct Staging {
        let url: URL
        let lock: FileHandle

        func release() { try? lock.close() }
    }

    /// Whether another save is writing in `folder` now (its marker is locked).
    static func isBeingWritten(_ folder: URL) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: folder.appendingPathComponent(markerName).path) else { return false }
        defer { try? handle.close() }
        return flock(handle.fileDescriptor, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }

    /// Creates the hidden staging folder beside the target and writes the marker into it first.
    func makeStaging(files: [String]) throws -> Staging {
        let token = UUID().uuidString.prefix(8)
        let staging = parent.appendingPathComponent(".\(name).saving-\(token)")
        if mkdir(staging.path, 0o755) != 0 {
            let code = errno
            if code == ENOENT, fileManager.fileExists(atPath: parent.path) {
                throw BertError(.file, "cannot save to \(path): \(parent.path) does not accept new folders "
                                + "(a virtual file system such as /proc or /sys?); choose a folder on a disk")
            }
            throw BertError(.file, "cannot save to \(path): " + FileFailure.sentence(errno: code, path: parent.path))
        }
        let marker = staging.appendingPathComponent(Self.markerName)
        do {
            try Self.writeSynced(Data(Self.markerText(files: files).utf8), to: marker)
        } catch {
            _ = rmdir(staging.path)
            throw error
        }
        guard let lock = FileHandle(forReadingAtPath: marker.path) else {
            Self.removeSaveFiles(in: staging)
            throw BertError(.file, "cannot save to \(path): the new marker file in \(staging.path) cannot be opened")
        }
        _ = flock(lock.fileDescriptor, LOCK_EX)
        return Staging(url: staging, lock: lock)
    }

    /// A test seam: the errno to fail the write of a file with (ENOSPC for a full disk), or nil
    /// to write it. Tests set it to check that a failed save or checkpoint loses nothing.
    nonisolated(unsafe) static var injectedWriteFailure: ((URL) -> Int32?)?

    /// Writes `data` and syncs it to disk before the swap, so that after a power cut the path
    /// holds the old model or the whole new one, not empty files.
    static func writeSynced(_ data: Data, to file: URL) throws {
        if let failure = injectedWriteFailure?(file) {
            throw BertError(.file, "cannot write \(file.lastPathComponent): " + FileFailure.sentence(errno: failure, path: file.path))
        }
        do {
            try data.write(to: file)
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            try handle.synchronize()
        } catch {
            throw BertError(.file, "cannot write \(file.lastPathComponent): " + FileFailure.sentence(error, path: file.path))
        }
    }

    /// Puts the finished `staging` folder at the target in one step and removes the old model.
    func install(_ staging: URL, over existing: Existing) throws {
        switch existing {
        case .absent:
            guard Self.rename(staging.path, to: path, replace: false) == 0 else {
                let code = errno
                if code == EEXIST || code == ENOTEMPTY {
                    throw BertError(.file, "\(path) appeared while the model was being saved; nothing was replaced. "
                                    + "Save again, or to a new name such as \"\(suggestion)\"")
                }
                throw BertError(.file, "cannot save to \(path): " + FileFailure.sentence(errno: code, path: path))
            }
        case .empty, .earlierSave:
            if Self.exchange(staging.path, path) == 0 {
                // `staging` now holds the old model.
                Self.removeSaveFiles(in: staging)
            } else if [EINVAL, ENOSYS, EOPNOTSUPP].contains(errno) {
                try installByTwoRenames(staging)
            } else {
                let code = errno
                throw BertError(.file, "cannot replace \(path): " + FileFailure.sentence(errno: code, path: path))
            }
        }
        Self.syncFolder(parent)
    }

    /// For file systems without an atomic swap: old aside, new in place. A crash in between
    /// leaves the old model in `.NAME.old-*`, which the next save puts back.
    private func installByTwoRenames(_ staging: URL) throws {
        let retired = parent.appendingPathComponent(".\(name).old-\(UUID().uuidString.prefix(8))")
        guard Self.rename(path, to: retired.path, replace: false) == 0 else {
            let code = errno
            throw BertError(.file, "cannot replace \(path): " + FileFailure.sentence(errno: code, path: path))
        }
        guard Self.rename(staging.path, to: path, replace: false) == 0 else {
            let code = errno
            _ = Self.rename(retired.path, to: path, replace: false)
            throw BertError(.file, "cannot replace \(path): " + FileFailure.sentence(errno: code, path: path))
        }
        Self.removeSaveFiles(in: retired)
    }

    /// rename(2), refusing to overwrite when `replace` is false (where the platform can say so).
    static func rename(_ from: String, to: String, replace: Bool) -> Int32 {
        #if os(Linux)
        if !replace {
            let result = bk_rename_noreplace(from, to)
            // Some file systems do not know the flag; plain rename(2) then still refuses a
            // non-empty folder, and the caller checked the target a moment ago.
            if result == 0 || ![EINVAL, ENOSYS, EOPNOTSUPP].contains(errno) { return result }
        }
        return Glibc.rename(from, to)
        #else
        return Darwin.rename(from, to)
        #endif
    }

    /// Swaps two existing paths atomically; fails with EINVAL or ENOSYS where unsupported.
    static func exchange(_ first: String, _ second: String) -> Int32 {
        #if os(Linux)
        return bk_rename_exchange(first, second)
        #else
        errno = ENOSYS
        return -1
        #endif
    }

    /// Makes the renames durable (fsync of the folder); best effort.
    static func syncFolder(_ folder: URL) {
        guard let handle = FileHandle(forReadingAtPath: folder.path) else { return }
        try? handle.synchronize()
        try? handle.close()
    }
}
