/// The processes a data-parallel run spans, as the training and evaluation code sees them: a rank,
/// a size and a sum over every rank. Under `mpirun -n R` the executable installs the MPI
/// implementation (`MessagePassing.MPIWorld`) as `ProcessGroups.world` before anything runs; else
/// it is `SingleProcess`, where every collective is the identity and nothing of MPI is touched.
///
///     let share = ProcessGroups.world.share(of: 10)   // rank 0 of 2: 0..<5, rank 1: 5..<10
///
/// Every collective must be called by every rank, in the same order, with the same counts: code
/// that may throw on one rank only (an interrupt, a non-finite loss) first agrees with `anyRank`,
/// so that no rank is left waiting in a sum the others never join. A collective throws
/// `RankLost` when a rank it waits for is gone (killed, crashed): the job cannot go on.
public protocol ProcessGroup: AnyObject {
    /// 0-based; rank 0 is the one that speaks to the user.
    var rank: Int { get }
    /// Number of processes, R ≥ 1.
    var size: Int { get }
    /// (count) floats at `buffer`, replaced by their elementwise sum over every rank. The order of
    /// the float additions is MPI's, so a sum differs from one process's in the last bits.
    func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws
    /// (n) values, summed elementwise over every rank (small: losses, counts, flags).
    func allreduceSum(_ values: [Double]) throws -> [Double]
    /// Starts the same sum as `allreduceSum(_:count:)` without waiting for it (MPI_Iallreduce):
    /// the buffer must be left alone until `finishSums` returns. Every rank starts the same
    /// sums in the same order, and no other collective may come between a start and the finish
    /// except `allreduceSum(_ values:)`, which keeps its place in that order.
    func startAllreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws
    /// Lets the started sums move on (MPI_Test on each): Open MPI advances a nonblocking
    /// collective only inside MPI calls, so the trainer calls this between the layers' backward.
    func progressSums() throws
    /// Waits for every started sum.
    func finishSums() throws
    /// Throws `RankLost` when a rank is already known to be gone, without any collective (so a
    /// rank may call it any number of times): what a long computation between sums calls, before
    /// each encoder layer, so that a lost rank ends it within a layer and not at the next sum,
    /// which on a large model may come after `mpirun` has ended this process too.
    func checkPeers() throws
}

extension ProcessGroup {
    /// Without nonblocking sums: the sum at once (SingleProcess: nothing; the tests' thread groups).
    public func startAllreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        try allreduceSum(buffer, count: count)
    }
    public func progressSums() throws {}
    public func finishSums() throws {}
    /// Without a way for a rank to be lost (SingleProcess, the tests' thread groups): nothing.
    public func checkPeers() throws {}
}

extension ProcessGroup {
    /// This rank's contiguous share of `count` items: [count·rank/R, count·(rank+1)/R). The shares
    /// are disjoint, cover 0..<count in rank order, and differ in size by at most one.
    public func share(of count: Int) -> Range<Int> {
        (count * rank / size)..<(count * (rank + 1) / size)
    }

    /// Whether `flag` is true on any rank (every rank gets the same answer).
    public func anyRank(_ flag: Bool) throws -> Bool {
        size == 1 ? flag : try allreduceSum([flag ? 1 : 0])[0] > 0
    }

    /// The values of `buffer`, replaced by their elementwise sum over every rank (see
    /// `allreduceSum(_:count:)`).
    public func allreduceSum(_ buffer: MutableVectorView) throws { try allreduceSum(buffer.base, count: buffer.count) }

    /// `startAllreduceSum(_:count:)` of a view's values.
    public func startAllreduceSum(_ buffer: MutableVectorView) throws {
        try startAllreduceSum(buffer.base, count: buffer.count)
    }

    /// Rank 0's `value`, on every rank (a sum with zeros from the others is exact).
    public func rootValue(_ value: Double) throws -> Double {
        size == 1 ? value : try allreduceSum([rank == 0 ? value : 0])[0]
    }
}

/// One process: rank 0 of 1, every collective the identity.
public final class SingleProcess: ProcessGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {}
    public func allreduceSum(_ values: [Double]) -> [Double] { values }
}

/// The process group of this program, set once at start-up by the executable (before any cell
/// runs, and never changed after), read by the trainer, the evaluator and `save`.
public enum ProcessGroups {
    nonisolated(unsafe) public static var world: any ProcessGroup = SingleProcess()
}

/// What a rank throws when another rank stopped the collective work it was part of (an interrupt
/// on rank 0, a non-finite loss elsewhere): it stops at the same point, so every rank agrees.
public struct StoppedOnAnotherRank: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "stopped because \(reason) on another rank" }
}

/// What a collective throws when a rank of the job is gone (SIGKILL, a crash, its host lost):
/// nothing can be summed any more, and `mpirun` is ending the job. `description` names the
/// rank when it is known ("rank 1 of 2 (pid 4711 on node-a) is gone").
public struct RankLost: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
