import ArgumentParser

/// `bert-kernel`: the Jupyter kernel, its installer, a headless runner and the benchmark.
@main
struct BertKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bert-kernel",
        abstract: "A Jupyter kernel for fine-tuning and teaching BERT, in Swift.",
        version: CellInterpreter.version,
        subcommands: [KernelCommand.self, InstallCommand.self, RunCommand.self, BenchCommand.self,
                      ReferenceCommand.self]
    )
}
