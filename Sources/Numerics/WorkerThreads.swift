import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The threads that run `Parallel`'s regions beside the calling thread: one per extra core,
/// started at the first region, each waiting for the next region by spinning a little (about
/// 50 µs) before it sleeps on a condition variable.
///
/// Why not `DispatchQueue.concurrentPerform`: it wakes a worker through a semaphore for every
/// region, a futex system call and, in a virtual machine, an inter-processor interrupt. A
/// training step runs several hundred regions (every Linear, every elementwise kernel), and on a
/// short-text step perf put the wake-ups at about 6% of the time (`sem_post` → `futex_wake` 3.5%,
/// the interrupt's MSR writes 1.5%, the switches). A worker that is still spinning from the last
/// region takes the next one with no system call; the spin is short, so a core shared with
/// another process (two MPI ranks on two cores) is given back soon. OpenMP runtimes do the same
/// (GOMP_SPINCOUNT, KMP_BLOCKTIME).
///
/// Parts are claimed from a shared counter, so the caller and the workers split them whatever
/// order they arrive in; `run` returns when every part has finished. One region runs at a time:
/// a second thread that starts a region meanwhile runs its parts itself.
final class WorkerThreads: @unchecked Sendable {
    /// The region in one word, so that claiming a part and learning which region it belongs to
    /// is one atomic step: serial (bits 32...) | part count (bits 16..<32) | next part (bits 0..<16).
    /// A claim adds 1; it is valid when the next-part field it returns is below the count. (Each
    /// thread makes at most one claim that fails per region, so the field never reaches 2¹⁶.)
    private let region = Atomic<Int>(0)
    /// Parts of the current region not yet finished.
    private let unfinished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    /// The current region's body. Written by the caller before it publishes the region's word and
    /// read by a worker only after a valid claim on it; the caller does not return, nor write it
    /// again, before `unfinished` is 0, which every valid claim holds up until its part is done.
    private var job: ((Int) -> Void)?
    private var regionLock = pthread_mutex_t()
    private var sleepLock = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private let insideKey: pthread_key_t

    /// How long a waiting thread spins before it sleeps (a worker) or yields (the caller): more
    /// than the gap between two regions of a step, far less than a scheduler's time slice.
    private static let spinNanoseconds = 50_000

    init(threads: Int, insideKey: pthread_key_t) {
        self.insideKey = insideKey
        pthread_mutex_init(&regionLock, nil)
        pthread_mutex_init(&sleepLock, nil)
        pthread_cond_init(&wake, nil)
        for _ in 0..<threads {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let created = pthread_create(&thread, nil, { context in
                let pool = Unmanaged<WorkerThreads>.fromOpaque(context!).takeRetainedValue()
                pool.work()
            }, context)
            precondition(created == 0, "cannot start a worker thread: error \(created)")
            pthread_detach(thread)
        }
    }

    /// Runs `body(0..<parts)`, the parts spread over the calling thread and the workers.
    func run(parts: Int, _ body: (Int) -> Void) {
        precondition(parts < 1 << 15, "too many parts")
        guard pthread_mutex_trylock(&regionLock) == 0 else {
            // Another thread's region is running: do this one here, as its parts are independent.
            for part in 0..<parts { runPart(part, body) }
            return
        }
        defer { pthread_mutex_unlock(&regionLock) }
        withoutActuallyEscaping(body) { body in
            job = body
            unfinished.store(parts, ordering: .sequentiallyConsistent)
            let serial = (region.load(ordering: .relaxed) >> 32) &+ 1
            region.store(serial << 32 | parts << 16, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(&sleepLock)
                pthread_cond_broadcast(&wake)
                pthread_mutex_unlock(&sleepLock)
            }
            takeParts()
            var spin = Spin()
            while unfinished.load(ordering: .acquiring) > 0 {
                if !spin.goOn() { sched_yield() }
            }
            job = nil
        }
    }

    /// Claims and runs parts of the current region until a claim fails; returns its serial.
    @discardableResult
    private func takeParts() -> Int {
        while true {
            let word = region.add(1, ordering: .sequentiallyConsistent).oldValue
            let part = word & 0xFFFF, parts = (word >> 16) & 0xFFFF
            guard part < parts else { return word >> 32 }
            runPart(part, job!)
            unfinished.subtract(1, ordering: .releasing)
        }
    }

    private func runPart(_ part: Int, _ body: (Int) -> Void) {
        let previous = pthread_getspecific(insideKey)
        pthread_setspecific(insideKey, UnsafeRawPointer(bitPattern: 1))
        body(part)
        pthread_setspecific(insideKey, previous)
    }

    /// A worker's life: wait for a region newer than the last one it saw, take parts of it.
    private func work() -> Never {
        var seen = region.load(ordering: .sequentiallyConsistent) >> 32
        while true {
            var spin = Spin()
            while region.load(ordering: .sequentiallyConsistent) >> 32 == seen {
                if spin.goOn() { continue }
                pthread_mutex_lock(&sleepLock)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while region.load(ordering: .sequentiallyConsistent) >> 32 == seen { pthread_cond_wait(&wake, &sleepLock) }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(&sleepLock)
                spin = Spin()
            }
            seen = takeParts()
        }
    }

    /// A spin's clock: `goOn()` is true until `spinNanoseconds` have passed, reading the
    /// monotonic clock (a vDSO call, tens of nanoseconds) every 64 turns.
    private struct Spin {
        private var turns = 0
        private var deadline = 0

        mutating func goOn() -> Bool {
            turns &+= 1
            guard turns & 63 == 0 else { return true }
            let now = Spin.now()
            if deadline == 0 { deadline = now + WorkerThreads.spinNanoseconds; return true }
            return now < deadline
        }

        private static func now() -> Int {
            var time = timespec()
            clock_gettime(CLOCK_MONOTONIC, &time)
            return time.tv_sec * 1_000_000_000 + time.tv_nsec
        }
    }
}
