import ArgumentParser
import Foundation
import KernelServer

/// `bert-kernel kernel --connection-file F`: what the kernelspec's `argv` runs.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel", abstract: "Run as a Jupyter kernel (started by Jupyter through the kernelspec).")

    @Option(name: .customLong("connection-file"), help: "The connection file Jupyter wrote for this kernel.")
    var connectionFile: String

    /// `jupyter run` and `jupyter console` pass their own positional arguments on to the
    /// kernel command line (`extra_arguments`); they mean nothing to this kernel.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var extraArguments: [String] = []

    func run() throws {
        let connection: ConnectionInfo
        let server: KernelServer
        do {
            connection = try ConnectionInfo(contentsOf: connectionFile)
            server = try KernelServer(connection: connection, interpreter: CellInterpreter())
        } catch {
            FileHandle.standardError.write(Data("bert-kernel: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if !extraArguments.isEmpty {
            FileHandle.standardError.write(Data("bert-kernel: ignoring extra arguments \(extraArguments)\n".utf8))
        }
        server.serve()
    }
}
