import ArgumentParser
import Foundation
import class CellLanguage.Engine

/// `bert-kernel reference`: the cell-language reference, generated from the command registry,
/// so `docs/cell-language.md` cannot drift from the commands (`make docs` writes it, `make test`
/// checks it).
struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Print the cell-language reference (Markdown) generated from the command registry.")

    @Option(name: .shortAndLong, help: "Write the reference to this file instead of standard output.")
    var output: String?

    @Option(help: "Exit non-zero if this file differs from the generated reference.")
    var check: String?

    func run() throws {
        let reference = Engine().markdownReference()
        if let check {
            let committed = try? String(contentsOfFile: check, encoding: .utf8)
            guard committed == reference else {
                FileHandle.standardError.write(Data("\(check) is stale: run `make docs` and commit it\n".utf8))
                throw ExitCode(1)
            }
            return
        }
        if let output {
            try Data(reference.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            print(reference, terminator: "")
        }
    }
}
