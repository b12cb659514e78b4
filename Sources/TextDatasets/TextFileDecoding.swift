import Foundation

/// Reading a text file's bytes and checking they are UTF-8, shared by the CSV/TSV, JSONL and
/// corpus readers.
enum TextFileDecoding {
    /// Throws a `FileError` when `path` is missing or a directory.
    static func checkIsFile(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError.file("no such file: \(path) (working directory: \(FileManager.default.currentDirectoryPath))")
        }
        guard !isDirectory.boolValue else {
            throw DatasetError.file("\(path) is a directory, not a data file")
        }
        // A named pipe would block the kernel in open(2) until a writer appears (issue 13).
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType,
           type != .typeRegular {
            throw DatasetError.file("\(path) is a named pipe, device or socket, not a regular file; save the data to a file")
        }
    }

    /// The whole file, or a `FileError` naming it.
    static func readBytes(path: String) throws -> [UInt8] {
        try checkIsFile(path: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError.file("cannot read \(path) (check its permissions)")
        }
        return [UInt8](data)
    }

    /// The offset where the text starts (after a UTF-8 byte order mark). Throws when the bytes
    /// are not UTF-8, naming the line of the first bad byte.
    static func contentStart(_ bytes: [UInt8], source: String) throws -> Int {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw DatasetError.format("\(source) is UTF-16 encoded; save it as UTF-8")
        }
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if !isValidUTF8(bytes[start...]) {
            // Find the line: validate line by line (only on the failure path).
            var lineStart = start
            var line = 1
            for index in start...bytes.count {
                if index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
                    if !isValidUTF8(bytes[lineStart..<index]) {
                        throw DatasetError.format("\(source), line \(line): not valid UTF-8; save the file as UTF-8")
                    }
                    lineStart = index + 1
                    line += 1
                }
            }
            throw DatasetError.format("\(source): not valid UTF-8; save the file as UTF-8")
        }
        return start
    }

    /// Strict UTF-8 validation (overlongs, surrogates and truncated sequences are errors): the
    /// standard library's, as every other reader here uses.
    static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }
}
