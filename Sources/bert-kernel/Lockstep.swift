import CellLanguage
import Display
import Foundation
import JupyterKernel
import MessagePassing
import Numerics

/// The kernel and the headless runner under `mpirun -n R` (issue 20): every rank holds its own
/// session and runs every cell; rank 0 alone speaks to the user. After each cell the ranks'
/// outcomes are gathered to rank 0, so an error on any rank is shown there with its rank, and the
/// next cell starts on every rank only after every rank finished this one (lockstep).
///
/// What goes from rank 0 to the others (`MPIWorld.broadcast`): one tag byte, then the cell's
/// UTF-8 text for `execute`. What comes back (`MPIWorld.gather`): empty for a cell that ran, else
/// `ename`, a NUL byte and `evalue`.
enum Lockstep {
    enum Tag: UInt8 {
        case execute = 1, restart = 2, shutdown = 3
    }

    /// MPI_COMM_WORLD when this process runs under mpirun, initialised here before any cell; nil
    /// (and MPI never initialised) otherwise.
    static let world: MPIWorld? = {
        guard MPIWorld.isLaunchedByMPI else { return nil }
        do {
            let world = try MPIWorld()
            ProcessGroups.world = world
            return world
        } catch {
            FileHandle.standardError.write(Data("bert-kernel: \(error)\n".utf8))
            exit(1)
        }
    }()

    static func status(_ failure: CellError?) -> [UInt8] {
        guard let failure else { return [] }
        return Array(failure.ename.utf8) + [0] + Array(failure.evalue.utf8)
    }

    /// Rank 0's view of one cell over every rank: its own failure if it failed (with the other
    /// ranks' different errors appended), else the first other rank's failure, named by its rank.
    static func combine(_ own: CellError?, statuses: [[UInt8]]) -> CellError? {
        var others: [(rank: Int, ename: String, evalue: String)] = []
        for (rank, status) in statuses.enumerated() where rank > 0 && !status.isEmpty {
            let parts = status.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
            others.append((rank, String(decoding: parts[0], as: UTF8.self),
                           parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""))
        }
        if let own {
            let different = others.filter { $0.ename != own.ename || $0.evalue != own.evalue }
                .filter { !$0.evalue.contains("on another rank") }
            guard !different.isEmpty else { return own }
            return CellError(ename: own.ename, evalue: own.evalue,
                             traceback: own.traceback + different.map { "rank \($0.rank): \($0.ename): \($0.evalue)" })
        }
        guard let first = others.first else { return nil }
        let value = "on rank \(first.rank) of \(statuses.count): \(first.evalue)"
        return CellError(ename: first.ename, evalue: value,
                         traceback: others.map { "\($0.ename) on rank \($0.rank) of \(statuses.count): \($0.evalue)" })
    }

    /// Ranks other than 0 in the kernel: run what rank 0 broadcasts until it says shutdown, or
    /// leave when a rank is lost (rank 0 reports it; mpirun is ending the job).
    static func follow(world: MPIWorld) {
        let interpreter = CellInterpreter()
        let sink = DiscardingOutputSink()
        do {
            while true {
                let message = try world.broadcast([])
                switch message.first.flatMap(Tag.init(rawValue:)) {
                case .execute:
                    let code = String(decoding: message.dropFirst(), as: UTF8.self)
                    let outcome = world.runningCell { interpreter.engine.execute(code, output: sink) }
                    if let lost = world.lost { throw lost }
                    if case .failure(let error) = outcome {
                        _ = try world.gather(status(error))
                    } else {
                        _ = try world.gather([])
                    }
                case .restart:
                    interpreter.restart()
                case .shutdown, nil:
                    return
                }
            }
        } catch {
            leave(world, error)
        }
    }

    /// A rank's end after a lost rank: one line on its stderr, then out at once, without
    /// MPI_Finalize (it would wait for the rank that is gone) or atexit handlers.
    static func leave(_ world: MPIWorld, _ error: Error) -> Never {
        FileHandle.standardError.write(Data("bert-kernel rank \(world.rank): \(error)\n".utf8))
        _exit(1)
    }

    /// The cell's error when a rank was lost during it: the session's own error if it already
    /// names the loss (a `RankLost` thrown by a sum inside the cell), else one made of `lost`.
    static func failure(_ lost: RankLost, own: CellError?) -> CellError {
        if let own, own.evalue == lost.description { return own }
        let kind = ErrorKind.state.rawValue
        return CellError(ename: kind, evalue: lost.description, traceback: ["\(kind): \(lost.description)"])
    }
}

/// Rank 0's interpreter under mpirun: each cell is broadcast to every rank and run here too;
/// completion, inspection and `is_complete` change nothing and stay on rank 0.
final class LockstepInterpreter: Interpreter {
    private let local = CellInterpreter()
    private let world: MPIWorld
    /// MPI is called from the shell thread for cells and from the main thread at shutdown.
    private let lock = NSLock()

    /// Called once a rank is lost, after the cell's error is made and before it is sent: the
    /// kernel command stops the server here, which sends the reply, flushes IOPub and returns.
    var onRankLost: () -> Void = {}

    init(world: MPIWorld) { self.world = world }

    var languageInfo: JSON { local.languageInfo }
    var banner: String { local.banner + " Running on \(world.size) MPI processes." }
    var helpLinks: [(text: String, url: String)] { local.helpLinks }

    func execute(code: String, silent: Bool, output: OutputSink) -> ExecutionOutcome {
        lock.lock()
        defer { lock.unlock() }
        var own: CellError?
        do {
            _ = try world.broadcast([Lockstep.Tag.execute.rawValue] + Array(code.utf8))
            let outcome = world.runningCell { local.engine.execute(code, output: output) }
            if case .failure(let error) = outcome { own = error }
            if let lost = world.lost { throw lost }
            let statuses = try world.gather(Lockstep.status(own))
            if let failure = Lockstep.combine(own, statuses: statuses) {
                return .error(name: failure.ename, value: failure.evalue, traceback: failure.traceback)
            }
            return local.outcome(of: outcome)
        } catch {
            // A rank is gone (the only error MPIWorld throws): this cell ends with it, then the
            // kernel, before mpirun's SIGTERM (odls_base_sigkill_timeout after the loss) ends it.
            let failure = Lockstep.failure(world.lost ?? RankLost("\(error)"), own: own)
            onRankLost()
            return .error(name: failure.ename, value: failure.evalue, traceback: failure.traceback)
        }
    }

    func complete(code: String, cursor: Int) -> Completion { local.complete(code: code, cursor: cursor) }

    func inspect(code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        local.inspect(code: code, cursor: cursor, detailLevel: detailLevel)
    }

    func isComplete(code: String) -> Completeness { local.isComplete(code: code) }

    func interrupt() { local.interrupt() }

    func restart() {
        lock.lock()
        defer { lock.unlock() }
        if (try? world.broadcast([Lockstep.Tag.restart.rawValue])) == nil { onRankLost() }
        local.restart()
    }

    /// Tells the other ranks to leave their loop; every rank then finalises MPI. Nothing is sent
    /// once a rank is lost.
    func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        guard world.lost == nil else { return }
        _ = try? world.broadcast([Lockstep.Tag.shutdown.rawValue])
    }
}

/// Where the output of ranks other than 0 goes: nowhere (rank 0 shows the cell's output).
final class DiscardingOutputSink: OutputSink {
    func stream(_ name: StreamName, _ text: String) {}
    func display(_ bundle: MimeBundle, displayID: String?) {}
    func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
    func clearOutput(wait: Bool) {}
}
