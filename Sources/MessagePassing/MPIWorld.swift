import CMPI
import Foundation
import Numerics

/// MPI_COMM_WORLD of Open MPI 4.1, the only user of CMPI: what a data-parallel run needs (a
/// `ProcessGroup`'s sums) and what the lockstep kernel and the headless runner need (a broadcast
/// of bytes from rank 0, a gather of bytes to rank 0).
///
///     guard MPIWorld.isLaunchedByMPI else { return }      // not under mpirun: MPI stays untouched
///     let world = try MPIWorld()
///     ProcessGroups.world = world
///
/// A lost rank (killed, crashed, its host gone) makes a collective throw `RankLost` instead of
/// waiting forever: every call is nonblocking and waited for by polling (`wait`), which between
/// polls looks at what would show the loss. Errors are returned, not fatal
/// (`MPI_ERRORS_RETURN`), so a broken connection to another host becomes a code to report; a peer
/// on this host is gone when its pid is (each rank's pid and host are gathered at start); and
/// `mpirun`'s SIGCONT, sent to every survivor as it starts ending the job (see CMPI's shim),
/// makes the next poll look at once. Nothing of MPI is called after a loss: `mpirun` ends the job.
public final class MPIWorld: ProcessGroup {
    public let rank: Int
    public let size: Int
    /// (R) every rank's pid and host name, in rank order, to tell which peer on this host is gone.
    private var peers: [(pid: Int32, host: String)] = []
    /// Set by the first collective that found a rank gone; every later call throws it at once.
    public private(set) var lost: RankLost?

    /// Whether this process was started by Open MPI's launcher (`mpirun`/`orted` set
    /// OMPI_COMM_WORLD_SIZE in every rank's environment). Only then may `MPI_Init` run: a single
    /// process never initialises MPI.
    public static var isLaunchedByMPI: Bool {
        ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Initialises MPI with MPI_THREAD_SERIALIZED: the kernel calls MPI from its shell thread,
    /// which is not the thread that initialised it, but never from two threads at once.
    public init() throws {
        var provided: Int32 = 0
        let code = MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided)
        guard code == MPI_SUCCESS else { throw Failure(description: "MPI_Init_thread failed (error \(code))") }
        guard provided >= Int32(MPI_THREAD_SERIALIZED) else {
            throw Failure(description: "this Open MPI provides thread level \(provided), below MPI_THREAD_SERIALIZED")
        }
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(cmpi_comm_world(), &r)
        MPI_Comm_size(cmpi_comm_world(), &s)
        rank = Int(r)
        size = Int(s)
        MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return())
        cmpi_watch_continue()
        cmpi_watch_terminate()
        peers = try exchangeIdentities()
    }

    /// (R) every rank's pid and host name (up to 255 bytes), the same on every rank.
    private func exchangeIdentities() throws -> [(pid: Int32, host: String)] {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, 255)
        var mine = [UInt8](repeating: 0, count: 260)
        withUnsafeBytes(of: getpid().littleEndian) { mine.replaceSubrange(0..<4, with: $0) }
        for (i, byte) in name.prefix(255).enumerated() { mine[4 + i] = UInt8(bitPattern: byte) }
        var all = [UInt8](repeating: 0, count: 260 * size)
        var request: MPI_Request?
        try all.withUnsafeMutableBytes { receive in
            try mine.withUnsafeBytes { send in
                try check(MPI_Iallgather(send.baseAddress, 260, cmpi_byte(), receive.baseAddress, 260, cmpi_byte(),
                                         cmpi_comm_world(), &request))
                try wait(&request, idle: false)
            }
        }
        return (0..<size).map { r in
            let record = all[(260 * r)..<(260 * (r + 1))]
            let pid = record.prefix(4).withUnsafeBytes { Int32(littleEndian: $0.loadUnaligned(as: Int32.self)) }
            let host = record.dropFirst(4).prefix { $0 != 0 }
            return (pid, String(decoding: host, as: UTF8.self))
        }
    }

    // MARK: - Waiting, and finding a lost rank

    /// Throws `RankLost` for an MPI error code (a broken connection, with MPI_ERRORS_RETURN).
    private func check(_ code: Int32) throws {
        guard code != MPI_SUCCESS else { return }
        var text = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        let reason = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw record(RankLost(goneLocally() ?? "MPI failed talking to the other ranks (\(reason)): a rank on another "
                              + "host is gone; the MPI job ends, restart the kernel"))
    }

    private func record(_ loss: RankLost) -> RankLost {
        lost = lost ?? loss
        return lost!
    }

    /// Waits for `request` by polling MPI_Test: spinning inside the training's sums (as a
    /// blocking call would), sleeping 1 ms between polls when `idle` (a rank waiting for the
    /// next cell leaves the cores to others). Every 20 ms, and at once after a SIGCONT, it looks
    /// for a peer on this host whose process is gone, and for the launcher's SIGCONT with peers on
    /// other hosts (`checkLauncherContinued`). After a SIGCONT from anyone else, with every local
    /// peer alive and peers on other hosts, a collective still not done 0.5 s later is given up
    /// too (a launcher that is not the parent, e.g. under a wrapper). On one host a SIGCONT alone,
    /// e.g. after a job was stopped and continued, ends nothing.
    private func wait(_ request: inout MPI_Request?, idle: Bool) throws {
        if let lost { throw lost }
        var done: Int32 = 0
        var nextLook = DispatchTime.now().uptimeNanoseconds + 20_000_000
        var continuedAt: UInt64?
        while true {
            try check(MPI_Test(&request, &done, nil))
            if done != 0 { break }
            if idle { usleep(1000) }
            let now = DispatchTime.now().uptimeNanoseconds
            if cmpi_was_continued() != 0 {
                cmpi_clear_continued()
                continuedAt = continuedAt ?? now
                nextLook = now
            }
            guard now >= nextLook else { continue }
            nextLook = now + 20_000_000
            if let gone = goneLocally() { throw record(RankLost(gone)) }
            try checkLauncherContinued()
            if let continuedAt, !remotePeers.isEmpty, now - continuedAt > 500_000_000 {
                throw record(RankLost("mpirun is ending the job (its SIGCONT came and the ranks' sum never finished): "
                                      + "\(remoteText) is gone; restart the kernel"))
            }
            try checkTerminated()
        }
    }

    /// The ranks on other hosts than this one's.
    private var remotePeers: [Int] { peers.indices.filter { peers[$0].host != peers[rank].host } }

    /// "one of rank 1, 3 of 4 on another host", for the loss messages.
    private var remoteText: String {
        "one of rank \(remotePeers.map(String.init).joined(separator: ", ")) of \(size) on another host"
    }

    /// Throws once the launcher (the parent: mpirun, or orted on another host) sent SIGCONT while
    /// peers run on other hosts, none here being gone: Open MPI's launcher sends it only to end the
    /// job (see CMPI's shim), and a rank lost on another host shows no pid here. Acting on it, not
    /// on the SIGTERM that follows, leaves a step both graces (SIGCONT to SIGTERM to SIGKILL) to
    /// reach its next look and send the cell's error.
    private func checkLauncherContinued() throws {
        guard cmpi_was_continued_by_launcher() != 0, !remotePeers.isEmpty else { return }
        throw record(RankLost("mpirun is ending the job (its SIGCONT came): \(remoteText) is gone; restart the kernel"))
    }

    /// Throws once mpirun's SIGTERM came during a cell (CMPI's `cmpi_watch_terminate`): the job is
    /// ending, and SIGKILL follows after the same grace.
    private func checkTerminated() throws {
        guard cmpi_was_terminated() != 0 else { return }
        let who = remotePeers.isEmpty ? "a rank is gone or the job was stopped" : "\(remoteText) is gone, or the job was stopped"
        throw record(RankLost("mpirun is ending the job (its SIGTERM came during this cell): \(who); restart the kernel"))
    }

    /// Runs one cell with mpirun's SIGTERM held back as a flag (see `cmpi_watch_terminate`), so a
    /// step computing past mpirun's grace still ends with the loss reported.
    public func runningCell<T>(_ body: () throws -> T) rethrows -> T {
        cmpi_set_in_cell(1)
        defer { cmpi_set_in_cell(0) }
        return try body()
    }

    /// "rank 1 of 2 (pid 4711 on vm) is gone: …" for the first rank on this host whose process
    /// no longer runs (no /proc entry, or a zombie not yet reaped by mpirun); nil if all run.
    private func goneLocally() -> String? {
        guard peers.count == size else { return nil }
        let host = peers[rank].host
        for (r, peer) in peers.enumerated() where r != rank && peer.host == host && !Self.runs(peer.pid) {
            return "rank \(r) of \(size) (pid \(peer.pid) on \(host)) is gone: killed or crashed, so the MPI job "
                + "ends; restart the kernel"
        }
        return nil
    }

    /// Whether `pid` is a live process: /proc/PID/stat readable, its state neither Z nor X.
    static func runs(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    /// Largest count of one MPI call: counts are Int32, and 2²⁴ floats (64 MB) keep each call's
    /// temporary buffers bounded.
    static let chunk = 1 << 24

    public func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        try forEachChunk(count) { start, n in
            var request = try startSum(buffer + start, count: n)
            try wait(&request, idle: false)
        }
    }

    /// Calls `body(start, n)` for consecutive pieces of at most `chunk` floats covering 0..<count.
    private func forEachChunk(_ count: Int, _ body: (_ start: Int, _ n: Int) throws -> Void) rethrows {
        var start = 0
        while start < count {
            let n = min(Self.chunk, count - start)
            try body(start, n)
            start += n
        }
    }

    /// Starts the in-place sum of `count` (≤ `chunk`) floats at `buffer`.
    private func startSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws -> MPI_Request? {
        var request: MPI_Request?
        try check(MPI_Iallreduce(cmpi_in_place(), buffer, Int32(count), cmpi_float(), cmpi_sum(), cmpi_comm_world(),
                                 &request))
        return request
    }

    public func allreduceSum(_ values: [Double]) throws -> [Double] {
        var result = values
        try result.withUnsafeMutableBufferPointer {
            var request: MPI_Request?
            try check(MPI_Iallreduce(cmpi_in_place(), $0.baseAddress, Int32($0.count), cmpi_double(), cmpi_sum(),
                                     cmpi_comm_world(), &request))
            try wait(&request, idle: false)
        }
        return result
    }

    /// The sums `startAllreduceSum` started, in order; `finishSums` waits for them all.
    private var started: [MPI_Request?] = []

    public func startAllreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        if let lost { throw lost }
        try forEachChunk(count) { start, n in started.append(try startSum(buffer + start, count: n)) }
    }

    public func progressSums() throws {
        if let lost { throw lost }
        var done: Int32 = 0
        for i in started.indices { try check(MPI_Test(&started[i], &done, nil)) }
    }

    public func finishSums() throws {
        for i in started.indices { try wait(&started[i], idle: false) }
        started = []
    }

    /// When `checkPeers` next reads /proc without a SIGCONT (uptime nanoseconds).
    private var nextPeerLook: UInt64 = 0

    /// A look for a peer on this host whose process is gone, at once after a SIGCONT and
    /// otherwise every 100 ms: a bert-base step computes for seconds between sums, longer than
    /// mpirun's grace before its SIGTERM, so waiting for the next sum would let mpirun end rank 0
    /// before it could tell the notebook. The launcher's SIGCONT with peers on other hosts ends
    /// the step here too (`checkLauncherContinued`), and so does mpirun's SIGTERM, counted during
    /// a cell. Reads /proc only: no MPI call.
    public func checkPeers() throws {
        if let lost { throw lost }
        try checkTerminated()
        let now = DispatchTime.now().uptimeNanoseconds
        guard cmpi_was_continued() != 0 || now >= nextPeerLook else { return }
        nextPeerLook = now + 100_000_000
        if let gone = goneLocally() { throw record(RankLost(gone)) }
        try checkLauncherContinued()
    }

    /// Rank 0's `bytes` on every rank (the others pass anything; it is ignored). The length goes
    /// first, waited for idly: ranks waiting for the next cell leave the cores to the work (Open
    /// MPI's blocking calls busy-wait).
    public func broadcast(_ bytes: [UInt8]) throws -> [UInt8] {
        var length = Int64(rank == 0 ? bytes.count : 0)
        try withUnsafeMutableBytes(of: &length) {
            var request: MPI_Request?
            try check(MPI_Ibcast($0.baseAddress, 8, cmpi_byte(), 0, cmpi_comm_world(), &request))
            try wait(&request, idle: true)
        }
        var data = rank == 0 ? bytes : [UInt8](repeating: 0, count: Int(length))
        if length > 0 {
            try data.withUnsafeMutableBytes {
                var request: MPI_Request?
                try check(MPI_Ibcast($0.baseAddress, Int32(length), cmpi_byte(), 0, cmpi_comm_world(), &request))
                try wait(&request, idle: false)
            }
        }
        return data
    }

    /// Every rank's `bytes`, in rank order, on rank 0; empty on the others.
    public func gather(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var length = Int32(bytes.count)
        var lengths = [Int32](repeating: 0, count: rank == 0 ? size : 1)
        try lengths.withUnsafeMutableBufferPointer { all in
            try withUnsafeMutablePointer(to: &length) { mine in
                var request: MPI_Request?
                try check(MPI_Igather(mine, 1, cmpi_int(), all.baseAddress, 1, cmpi_int(), 0, cmpi_comm_world(), &request))
                try wait(&request, idle: true)
            }
        }
        var offsets = [Int32](repeating: 0, count: lengths.count)
        if rank == 0 { for i in 1..<max(1, size) { offsets[i] = offsets[i - 1] + lengths[i - 1] } }
        var all = [UInt8](repeating: 0, count: rank == 0 ? Int(lengths.reduce(0, +)) : 1)
        var mine = bytes.isEmpty ? [0] : bytes
        try mine.withUnsafeMutableBufferPointer { send in
            try all.withUnsafeMutableBufferPointer { receive in
                try lengths.withUnsafeBufferPointer { counts in
                    try offsets.withUnsafeBufferPointer { displacements in
                        var request: MPI_Request?
                        try check(MPI_Igatherv(send.baseAddress, Int32(bytes.count), cmpi_byte(), receive.baseAddress,
                                               counts.baseAddress, displacements.baseAddress, cmpi_byte(), 0,
                                               cmpi_comm_world(), &request))
                        try wait(&request, idle: false)
                    }
                }
            }
        }
        guard rank == 0 else { return [] }
        return (0..<size).map { Array(all[Int(offsets[$0])..<Int(offsets[$0] + lengths[$0])]) }
    }


    /// Ends every rank of the job (mpirun stops the rest), with `code`.
    public func abort(_ code: Int32) -> Never {
        MPI_Abort(cmpi_comm_world(), code)
        exit(code)
    }

    /// Call once, on every rank, before a normal exit.
    public func finalize() { MPI_Finalize() }
}
