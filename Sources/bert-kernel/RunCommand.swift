import ArgumentParser
import Foundation
import struct Numerics.RankLost
import enum HeadlessRun.ScriptRunner
import class HeadlessRun.TerminalOutputSink
import struct CellLanguage.CellError

/// `bert-kernel run FILE`: a `.bert` script or an `.ipynb`'s code cells, headlessly.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a .bert script or the code cells of an .ipynb in one session; exit non-zero on the first error.")

    @ArgumentParser.Argument(help: "A .bert script or a notebook (.ipynb).")
    var file: String

    /// Under `mpirun -n R` every rank reads the file and runs its cells; rank 0 writes to the
    /// terminal, the others nowhere; after each cell the ranks agree on its outcome (an error on
    /// any rank stops all of them, shown by rank 0 with its rank), so they stay in lockstep.
    func run() throws {
        let world = Lockstep.world
        let status: Int32
        if let world {
            let terminal = world.rank == 0 ? TerminalOutputSink() : nil
            // The whole script counts as one cell for mpirun's SIGTERM (`MPIWorld.runningCell`).
            status = world.runningCell { ScriptRunner.run(file: file, output: terminal ?? DiscardingOutputSink(), afterCell: { failure in
                do {
                    if let lost = world.lost { throw lost }
                    let statuses = try world.gather(Lockstep.status(failure))
                    let combined = world.rank == 0 ? Lockstep.combine(failure, statuses: statuses) : failure
                    // Every rank learns whether any failed (rank 0 decides, the others follow).
                    let stop = try world.broadcast(combined == nil ? [0] : [1]) == [1]
                    return stop ? (combined ?? failure ?? CellError(ename: "RankError", evalue: "another rank failed",
                                                                    traceback: [])) : nil
                } catch {
                    // A lost rank: this cell's error (rank 0 prints it), and no further cell.
                    return Lockstep.failure(world.lost ?? RankLost("\(error)"), own: failure)
                }
            }) }
            terminal?.flush()
            if let lost = world.lost {
                if world.rank != 0 { Lockstep.leave(world, lost) }
                _exit(status == 0 ? 1 : status)
            }
            world.finalize()
        } else {
            let output = TerminalOutputSink()
            status = ScriptRunner.run(file: file, output: output)
            output.flush()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
