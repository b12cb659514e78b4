import Foundation

/// Spreads row-wise work over the cores. Elementwise kernels call it with a row count and a cost
/// per row; small jobs stay on the calling thread, where a dispatch would cost more than it saves.
public enum Parallel {
    /// Worker count: the active processor count (2 on the target machine).
    public static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Below this many floats touched, work runs on the calling thread.
    public static var minimumWork = 32_768

    /// Calls `body` with disjoint, contiguous ranges that together cover `0..<count`.
    /// - Parameter work: rough floats touched per row, to decide whether threads pay.
    public static func forRanges(_ count: Int, work: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let parts = min(workers, count)
        if parts <= 1 || count * max(work, 1) < minimumWork {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let lower = count * part / parts
            let upper = count * (part + 1) / parts
            if lower < upper { body(lower..<upper) }
        }
    }

    /// Calls `body(part, range)` for exactly `parts` ranges (some may be empty): for reductions
    /// where each part writes its own partial result.
    public static func forParts(_ count: Int, parts: Int, _ body: (Int, Range<Int>) -> Void) {
        if parts == 1 { body(0, 0..<count); return }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body(part, (count * part / parts)..<(count * (part + 1) / parts))
        }
    }

    /// The number of parts `forParts` should use for `count` rows of `work` floats.
    public static func partCount(_ count: Int, work: Int) -> Int {
        count * max(work, 1) < minimumWork ? 1 : min(workers, max(count, 1))
    }
}
