import Foundation

/// The most recent `capacity` signatures seen, to reject replayed messages as jupyter_client's
/// `Session.digest_history` does. Oldest entries are forgotten first so memory stays bounded.
final class SignatureHistory {
    private let capacity: Int
    private var seen: Set<Data> = []
    private var order: [Data] = []
    private var oldest = 0
    private let lock = NSLock()

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Records `signature`; false when it was already there.
    func insert(_ signature: Data) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard seen.insert(signature).inserted else { return false }
        if order.count < capacity {
            order.append(signature)
        } else {
            seen.remove(order[oldest])
            order[oldest] = signature
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}
