import Foundation
import XCTest
@testable import Numerics

/// `Parallel` over `WorkerThreads`: every part of every region runs exactly once, on regions
/// started back to back (the workers still spinning from the last one) and after the workers
/// went to sleep, and when two threads start regions at the same time.
final class ParallelTests: XCTestCase {
    /// Runs one region of `parts` parts that counts each part's runs into `counts`.
    private func region(parts: Int, counts: UnsafeMutablePointer<Int>) {
        Parallel.forParts(parts * 100_000, parts: parts) { part, range in
            XCTAssertTrue(Parallel.isInsideRegion)
            XCTAssertEqual(Parallel.partCount(1_000_000, work: 1), 1, "a region inside a region runs serially")
            counts[part] += range.isEmpty ? 0 : 1
        }
    }

    func testEveryPartRunsOnceInBackToBackAndSleepingRegions() throws {
        let parts = Parallel.partCount(1 << 20, work: 1)
        guard parts > 1 else { throw XCTSkip("one core: nothing runs in parallel") }
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: parts)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: parts)
        for _ in 0..<20_000 { region(parts: parts, counts: counts) }
        usleep(5_000)  // past the workers' spin: they sleep, and the next region must wake them
        region(parts: parts, counts: counts)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: parts)), Array(repeating: 20_001, count: parts))
        XCTAssertFalse(Parallel.isInsideRegion)
    }

    func testRegionsStartedByTwoThreadsAtOnceEachRunEveryPartOnce() throws {
        let parts = Parallel.partCount(1 << 20, work: 1)
        guard parts > 1 else { throw XCTSkip("one core: nothing runs in parallel") }
        let rounds = 5_000
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 2 * parts)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: 2 * parts)
        let group = DispatchGroup()
        for caller in 0..<2 {
            let slots = Int(bitPattern: counts + caller * parts)  // an address: Sendable
            group.enter()
            Thread.detachNewThread {
                for _ in 0..<rounds { self.region(parts: parts, counts: UnsafeMutablePointer(bitPattern: slots)!) }
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: 2 * parts)), Array(repeating: rounds, count: 2 * parts))
    }
}
