import ArgumentParser
import enum HeadlessRun.ScriptRunner
import class HeadlessRun.TerminalOutputSink

/// `bert-kernel run FILE`: a `.bert` script or an `.ipynb`'s code cells, headlessly.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a .bert script or the code cells of an .ipynb in one session; exit non-zero on the first error.")

    @ArgumentParser.Argument(help: "A .bert script or a notebook (.ipynb).")
    var file: String

    func run() throws {
        let output = TerminalOutputSink()
        let status = ScriptRunner.run(file: file, output: output)
        output.flush()
        if status != 0 { throw ExitCode(status) }
    }
}
