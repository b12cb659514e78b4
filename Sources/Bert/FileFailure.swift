import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sentences a person can act on for the ways a file operation fails, instead of
/// `Error Domain=NSCocoaErrorDomain Code=4 "(null)"`.
///
///     FileFailure.sentence(errno: EROFS, path: "/mnt/cd/model")
///     // "/mnt/cd/model is on a read-only file system; choose a folder you can write to"
///
/// Foundation on Linux throws `CocoaError`s whose `NSUnderlyingErrorKey` holds the POSIX error,
/// so both routes end in one errno table.
public enum FileFailure {
    /// The sentence for `error` (a `CocoaError`, `POSIXError`, or any error with a description)
    /// that happened at `path`.
    public static func sentence(_ error: Error, path: String) -> String {
        if let code = errnoCode(of: error) { return sentence(errno: code, path: path) }
        if let error = error as? BertError { return error.message }
        return "\(path): \(error.localizedDescription)"
    }

    /// Throws unless `url` (after symbolic links, as the hub cache's snapshots are) is a regular
    /// file. Checked before opening: open(2) of a FIFO blocks until a writer appears, and an
    /// interrupt cannot free the kernel from it. A missing file passes; reading it says so.
    public static func requireRegularFile(_ url: URL, role: String) throws {
        let resolved = url.resolvingSymlinksInPath()
        guard let type = (try? FileManager.default.attributesOfItem(atPath: resolved.path))?[.type] as? FileAttributeType,
              type != .typeRegular else { return }
        let what: String
        switch type {
        case .typeDirectory: what = "a folder"
        case .typeCharacterSpecial, .typeBlockSpecial: what = "a device"
        case .typeSocket: what = "a socket"
        default: what = "a named pipe (FIFO) or other special file, which would block the kernel waiting for a writer"
        }
        throw BertError(.file, "\(url.path) is \(what), not a regular file; \(role) must be a plain file")
    }

    /// Creates `folder` and any missing parents (the rule of both `save(to:)` and `write`), or
    /// throws a sentence: a file in the way is named, other failures go through the errno table.
    public static func createFolder(_ folder: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        var ancestor = folder
        while ancestor.path != "/", !fm.fileExists(atPath: ancestor.path) { ancestor.deleteLastPathComponent() }
        if fm.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw BertError(.file, "cannot create the folder \(folder.path): \(ancestor.path) is a file, not a folder")
        }
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw BertError(.file, "cannot create the folder \(folder.path): " + sentence(error, path: folder.path))
        }
    }

    /// The POSIX error code behind `error`, when there is one.
    static func errnoCode(of error: Error) -> Int32? {
        if let posix = error as? POSIXError { return posix.code.rawValue }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return Int32(nsError.code) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        guard nsError.domain == NSCocoaErrorDomain else { return nil }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return ENOENT
        case .fileReadNoPermission, .fileWriteNoPermission: return EACCES
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteFileExists: return EEXIST
        case .fileReadInvalidFileName, .fileWriteInvalidFileName: return ENAMETOOLONG
        default: return nil
        }
    }

    /// The sentence for a failed system call with `errno` `code` at `path`.
    public static func sentence(errno code: Int32, path: String) -> String {
        switch code {
        case EACCES, EPERM:
            return "permission denied for \(path); choose a folder you can write to (for example one under your home folder)"
        case EROFS: return "\(path) is on a read-only file system; choose a folder you can write to"
        case ENOSPC: return "no space left on the disk that holds \(path); free some space or choose another disk"
        case EDQUOT: return "your disk quota is used up at \(path); free some space or choose another disk"
        case ENOENT: return "\(path) does not exist (or a folder on the way to it does not)"
        case ENOTDIR: return "a part of \(path) is a file, not a folder"
        case EISDIR: return "\(path) is a folder, not a file"
        case EEXIST: return "\(path) already exists"
        case ENOTEMPTY: return "\(path) is a folder that is not empty"
        case ENAMETOOLONG: return "the name \(path) is too long for the file system"
        case ELOOP: return "\(path) goes through too many symbolic links (a loop?)"
        case EBUSY: return "\(path) is in use (a mount point or an open folder) and cannot be replaced"
        case EXDEV: return "\(path) is on another file system than its temporary copy"
        case EIO: return "an input/output error at \(path): the disk or network file system failed"
        case EMFILE, ENFILE: return "too many open files while writing \(path); close some and try again"
        default: return "\(path): \(String(cString: strerror(code)))"
        }
    }
}
