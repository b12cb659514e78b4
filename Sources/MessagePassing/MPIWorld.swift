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
/// Errors are MPI's default, fatal: a lost rank makes `mpirun` end the whole job, so no rank is
/// left waiting in a collective for a peer that is gone.
public final class MPIWorld: ProcessGroup {
    public let rank: Int
    public let size: Int

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
    }

    /// Largest count of one MPI call: counts are Int32, and 2²⁴ floats (64 MB) keep each call's
    /// temporary buffers bounded.
    static let chunk = 1 << 24

    public func allreduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        var start = 0
        while start < count {
            let n = min(Self.chunk, count - start)
            MPI_Allreduce(cmpi_in_place(), buffer + start, Int32(n), cmpi_float(), cmpi_sum(), cmpi_comm_world())
            start += n
        }
    }

    public func allreduceSum(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer {
            _ = MPI_Allreduce(cmpi_in_place(), $0.baseAddress, Int32($0.count), cmpi_double(), cmpi_sum(), cmpi_comm_world())
        }
        return result
    }

    /// Rank 0's `bytes` on every rank (the others pass anything; it is ignored). The length goes
    /// first; the wait for it polls every millisecond instead of spinning, so ranks idle between
    /// cells leave the cores to the work (Open MPI's blocking calls busy-wait).
    public func broadcast(_ bytes: [UInt8]) -> [UInt8] {
        var length = Int64(rank == 0 ? bytes.count : 0)
        var request: MPI_Request?
        withUnsafeMutableBytes(of: &length) {
            _ = MPI_Ibcast($0.baseAddress, 8, cmpi_byte(), 0, cmpi_comm_world(), &request)
            var done: Int32 = 0
            while true {
                MPI_Test(&request, &done, nil)
                if done != 0 { break }
                usleep(1000)
            }
        }
        var data = rank == 0 ? bytes : [UInt8](repeating: 0, count: Int(length))
        if length > 0 {
            data.withUnsafeMutableBytes {
                _ = MPI_Bcast($0.baseAddress, Int32(length), cmpi_byte(), 0, cmpi_comm_world())
            }
        }
        return data
    }

    /// Every rank's `bytes`, in rank order, on rank 0; empty on the others.
    public func gather(_ bytes: [UInt8]) -> [[UInt8]] {
        var length = Int32(bytes.count)
        var lengths = [Int32](repeating: 0, count: rank == 0 ? size : 1)
        lengths.withUnsafeMutableBufferPointer { all in
            _ = MPI_Gather(&length, 1, cmpi_int(), all.baseAddress, 1, cmpi_int(), 0, cmpi_comm_world())
        }
        var offsets = [Int32](repeating: 0, count: lengths.count)
        if rank == 0 { for i in 1..<max(1, size) { offsets[i] = offsets[i - 1] + lengths[i - 1] } }
        var all = [UInt8](repeating: 0, count: rank == 0 ? Int(lengths.reduce(0, +)) : 1)
        var mine = bytes.isEmpty ? [0] : bytes
        mine.withUnsafeMutableBufferPointer { send in
            all.withUnsafeMutableBufferPointer { receive in
                _ = MPI_Gatherv(send.baseAddress, Int32(bytes.count), cmpi_byte(), receive.baseAddress, lengths, offsets,
                                cmpi_byte(), 0, cmpi_comm_world())
            }
        }
        guard rank == 0 else { return [] }
        return (0..<size).map { Array(all[Int(offsets[$0])..<Int(offsets[$0] + lengths[$0])]) }
    }

    public func barrier() { MPI_Barrier(cmpi_comm_world()) }

    /// Ends every rank of the job (mpirun stops the rest), with `code`.
    public func abort(_ code: Int32) -> Never {
        MPI_Abort(cmpi_comm_world(), code)
        exit(code)
    }

    /// Call once, on every rank, before a normal exit.
    public func finalize() { MPI_Finalize() }
}
