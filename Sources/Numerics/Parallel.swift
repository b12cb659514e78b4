import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Spreads row-wise work over the cores. Elementwise kernels call it with a row count and a cost
/// per row; small jobs stay on the calling thread, where a dispatch would cost more than it saves.
/// A call made from inside a parallel region (an epilogue calling a kernel) runs serially on its
/// thread, so nesting never oversubscribes the cores.
public enum Parallel {
    /// Worker count: the active processor count (2 on the target machine).
    public static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Below this many floats touched, work runs on the calling thread.
    public static var minimumWork = 32_768

    /// Marks threads that are running a part of a parallel region.
    private static let insideKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Whether the current thread is already one of a parallel region's workers.
    public static var isInsideRegion: Bool { pthread_getspecific(insideKey) != nil }

    /// One thread per extra core, started at the first region (`WorkerThreads`: spinning briefly
    /// between regions instead of a semaphore wake-up per region, as Dispatch does).
    private static let threads = WorkerThreads(threads: workers - 1, insideKey: insideKey)

    private static func run(parts: Int, _ body: (Int) -> Void) {
        threads.run(parts: parts, body)
    }

    /// Calls `body` with disjoint, contiguous ranges that together cover `0..<count`.
    /// - Parameter work: rough floats touched per row, to decide whether threads pay.
    public static func forRanges(_ count: Int, work: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let parts = partCount(count, work: work)
        if parts <= 1 {
            body(0..<count)
            return
        }
        run(parts: parts) { part in
            let lower = count * part / parts
            let upper = count * (part + 1) / parts
            if lower < upper { body(lower..<upper) }
        }
    }

    /// Calls `body(part, range)` for exactly `parts` ranges (some may be empty): for reductions
    /// where each part writes its own partial result. `parts` must come from `partCount`.
    public static func forParts(_ count: Int, parts: Int, _ body: (Int, Range<Int>) -> Void) {
        if parts == 1 { body(0, 0..<count); return }
        run(parts: parts) { part in
            body(part, (count * part / parts)..<(count * (part + 1) / parts))
        }
    }

    /// The number of parts for `count` rows of `work` floats: 1 when small or already inside a
    /// parallel region, else one per core.
    public static func partCount(_ count: Int, work: Int) -> Int {
        if count * max(work, 1) < minimumWork || workers == 1 || isInsideRegion { return 1 }
        return min(workers, max(count, 1))
    }
}
