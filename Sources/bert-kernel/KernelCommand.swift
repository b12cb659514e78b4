import ArgumentParser
import Foundation
import JupyterKernel
import KernelServer
import Numerics

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
        // Under mpirun (a kernelspec from `install --mpi N`): ranks other than 0 open no sockets and
        // run what rank 0 broadcasts; rank 0 serves Jupyter through a `LockstepInterpreter`.
        let world = Lockstep.world
        if let world, world.rank != 0 {
            Lockstep.follow(world: world)
            world.finalize()
            return
        }
        let lockstep = world.map { LockstepInterpreter(world: $0) }
        let connection: ConnectionInfo
        let server: KernelServer
        do {
            connection = try ConnectionInfo(contentsOf: connectionFile)
            server = try KernelServer(connection: connection, interpreter: lockstep ?? CellInterpreter())
        } catch {
            // The other ranks wait for a broadcast that will never come: end the whole job.
            if let world {
                FileHandle.standardError.write(Data("bert-kernel: \(error)\n".utf8))
                world.abort(1)
            }
            FileHandle.standardError.write(Data("bert-kernel: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if !extraArguments.isEmpty {
            FileHandle.standardError.write(Data("bert-kernel: ignoring extra arguments \(extraArguments)\n".utf8))
        }
        lockstep?.onRankLost = { server.shutdown(restart: false) }
        Self.logBanner()
        server.serve()
        if let world, let lockstep {
            if let lost = world.lost { Lockstep.leave(world, lost) }
            lockstep.shutdown()
            world.finalize()
        }
    }

    /// The kernel's first lines in the Jupyter server's log: the CPU and the OpenBLAS core, at
    /// once; one core's sgemm rate two seconds later, measured off the start-up path (it takes
    /// about 50 ms, and the first reply is due well within 150 ms of the start).
    static func logBanner() {
        let status = BLASCoreStatus.current
        Kernel.logToStandardError("\(CellInterpreter.version) on \(status.cpu.summary); \(status.configuration); "
                                  + "core \(status.summary)")
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + 2) {
            BLAS.useCallerThreads()
            let shape = BLASCheck.Shape(m: 2048, n: 1536, k: 384)
            let rate = BLASCheck.gflops(shapes: [shape], threads: 1, seconds: 0.05)[0].gflops
            Kernel.logToStandardError(String(format: "OpenBLAS %@: sgemm %.0f GFLOP/s on one thread (%@)",
                                             status.core, rate, shape.description))
        }
    }
}
