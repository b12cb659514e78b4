import Bert
import Foundation

/// Files a notebook writes for itself: a small CSV of one's own data, a config, a note.
enum FileCommands {
    static func all() -> [Command] {
        [
            Command(
                name: "write", group: .data,
                summary: "Writes text to a file (e.g. a small CSV to load as a dataset).",
                doc: "Writes `text` to the file at `to`, relative to the kernel's working directory (the "
                    + "notebook's folder). The file is replaced atomically: a failure never leaves half a file. "
                    + "With `append: true` the text is added to the end instead. Missing folders on the way are "
                    + "created, as `save(to:)` does.",
                parameters: [
                    Parameter(positional: "text", .string, doc: "what to write (a multi-line `\"\"\"` string is handy)"),
                    Parameter("to", .string, paths: true, doc: "the file to write"),
                    Parameter("append", .bool, default: .bool(false), doc: "add to the end instead of replacing"),
                ],
                example: "write(\"text,label\\ngreat,pos\\nawful,neg\\n\", to: \"tiny.csv\")"
            ) { args, context in
                let path = try args.string("to")
                let text = try args.string("text")
                try writeText(text, to: path, append: try args.bool("append"))
                context.print("wrote \(text.utf8.count) bytes to \(path)\n")
                return nil
            },
        ]
    }

    static func writeText(_ text: String, to path: String, append: Bool) throws {
        guard !path.isEmpty else { throw SessionError(.argument, "the file name is empty", argument: "to") }
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SessionError(.file, "\(path) is a folder, not a file", argument: "to")
        }
        // One rule for write and save(to:): missing parent folders are created (a notebook has no
        // other way to make them).
        let folder = url.deletingLastPathComponent()
        do { try FileFailure.createFolder(folder) } catch let error as BertError {
            throw SessionError(.file, error.message, argument: "to")
        }
        do {
            if append, let handle = FileHandle(forWritingAtPath: url.path) {
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(text.utf8))
            } else {
                try Data(text.utf8).write(to: url, options: .atomic)
            }
        } catch {
            throw SessionError(.file, "could not write \(path): " + FileFailure.sentence(error, path: url.path), argument: "to")
        }
    }
}
