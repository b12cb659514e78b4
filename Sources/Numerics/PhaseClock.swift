import Foundation

/// Wall time per phase of a pass, for the benchmark's time split. Off by default; when on, the
/// dense layers (GEMM plus their fused epilogues), the attention core and the optimizer each add
/// their time; everything else (embeddings, LayerNorms outside epilogues, losses) is the rest.
public enum PhaseClock {
    public enum Phase: Int, CaseIterable {
        case dense, attention, optimizer
    }

    /// Set only between passes (the benchmark does); read by the kernels on the calling thread.
    nonisolated(unsafe) public static var enabled = false
    nonisolated(unsafe) private static var totals = [UInt64](repeating: 0, count: Phase.allCases.count)

    public static func reset() { totals = [UInt64](repeating: 0, count: Phase.allCases.count) }

    /// Seconds accumulated in `phase` since `reset()`.
    public static func seconds(_ phase: Phase) -> Double { Double(totals[phase.rawValue]) / 1e9 }

    /// Runs `body`, adding its wall time to `phase` when enabled. Called only from the thread that
    /// drives a pass (never inside a parallel region), so the totals need no lock.
    @inline(__always)
    public static func measure<R>(_ phase: Phase, _ body: () throws -> R) rethrows -> R {
        guard enabled, !Parallel.isInsideRegion else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { totals[phase.rawValue] += DispatchTime.now().uptimeNanoseconds - start }
        return try body()
    }
}
