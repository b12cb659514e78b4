import ArgumentParser
import Numerics

/// `bert-kernel`: the Jupyter kernel, its installer, a headless runner and the benchmark.
@main
struct BertKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bert-kernel",
        abstract: "A Jupyter kernel for fine-tuning and teaching BERT, in Swift.",
        version: CellInterpreter.version,
        subcommands: [KernelCommand.self, InstallCommand.self, RunCommand.self, BenchCommand.self,
                      BLASCommand.self, ReferenceCommand.self]
    )

    /// Before anything else (threads, sockets, arguments): make sure OpenBLAS runs its best
    /// correct kernels for this CPU, restarting the process with `OPENBLAS_CORETYPE` if it does
    /// not (`BLASCoreSelection`). Every subcommand gets it; only a misdetected CPU pays a restart.
    static func main() {
        BLASCoreSelection.selectBestCore()
        main(nil)
    }
}
