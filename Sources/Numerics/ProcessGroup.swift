/// The processes a data-parallel run spans, as the training and evaluation code sees them: a rank,
/// a size and a sum over every rank. Under `mpirun -n R` the executable installs the MPI
/// implementation (`MessagePassing.MPIWorld`) as `ProcessGroups.world` before anything runs; else
/// it is `SingleProcess`, where every collective is the identity and nothing of MPI is touched.
///
///     let share = ProcessGroups.world.share(of: 10)   // rank 0 of 2: 0..<5, rank 1: 5..<10
///
/// Every collective must be called by every rank, in the same order, with the same counts: code
/// that may throw on one rank only (an interrupt, a non-finite loss) first agrees with `anyRank`,
/// so that no rank is left waiting in a sum the others never join.
public protocol ProcessGroup: AnyObject {
    /// 0-based; rank 0 is the one that speaks to the user.
    var rank: Int { get }
    /// Number of processes, R ≥ 1.
    var size: Int { get }
    /// (count) floats at `buffer`, replaced by their elementwise sum over every rank. The order of
    /// the float additions is MPI's, so a sum differs from one process's in the last bits.
    func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int)
    /// (n) values, summed elementwise over every rank (small: losses, counts, flags).
    func allreduceSum(_ values: [Double]) -> [Double]
}

extension ProcessGroup {
    /// This rank's contiguous share of `count` items: [count·rank/R, count·(rank+1)/R). The shares
    /// are disjoint, cover 0..<count in rank order, and differ in size by at most one.
    public func share(of count: Int) -> Range<Int> {
        (count * rank / size)..<(count * (rank + 1) / size)
    }

    /// Whether `flag` is true on any rank (every rank gets the same answer).
    public func anyRank(_ flag: Bool) -> Bool {
        size == 1 ? flag : allreduceSum([flag ? 1 : 0])[0] > 0
    }

    /// The values of `buffer`, replaced by their elementwise sum over every rank (see
    /// `allreduceSum(_:count:)`).
    public func allreduceSum(_ buffer: MutableVectorView) { allreduceSum(buffer.base, count: buffer.count) }

    /// Rank 0's `value`, on every rank (a sum with zeros from the others is exact).
    public func rootValue(_ value: Double) -> Double {
        size == 1 ? value : allreduceSum([rank == 0 ? value : 0])[0]
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
