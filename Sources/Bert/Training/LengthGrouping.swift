/// Batches of similar length, as transformers' `group_by_length` (`LengthGroupedSampler`,
/// `trainer_pt_utils.get_length_grouped_indices`): with dynamic padding each batch costs its
/// longest example, so batching short texts with short ones saves most of the padding, while
/// megabatches keep the order random enough to train on.
///
///     let order = LengthGrouping.order(shuffled: generator.shuffled(Array(lengths.indices)),
///                                      lengths: lengths, batchSize: 32)
///     // consecutive runs of 32 indices are the batches
///
/// The shuffled indices are cut into megabatches of `multiplier · batchSize` (multiplier
/// min(n / (4 · batchSize), 50), at least 1); each megabatch is sorted by length, longest first
/// (ties keep their shuffled order); then the longest example of all is swapped to the very front,
/// so the largest batch comes first and a run that would run out of memory does so at once.
public enum LengthGrouping {
    /// - shuffled: a permutation of `lengths.indices`
    /// - lengths: (N) tokens per example
    /// - Returns: a permutation of `lengths.indices`
    public static func order(shuffled: [Int], lengths: [Int], batchSize: Int) -> [Int] {
        precondition(batchSize > 0, "batch size must be positive")
        precondition(shuffled.count == lengths.count, "one index per example")
        guard !shuffled.isEmpty else { return [] }
        let multiplier = max(1, min(lengths.count / (batchSize * 4), 50))
        let size = multiplier * batchSize
        var megabatches: [[Int]] = stride(from: 0, to: shuffled.count, by: size).map { start in
            let chunk = shuffled[start..<min(start + size, shuffled.count)]
            // A stable sort, as Python's `sorted(..., reverse=True)`: equal lengths keep their order.
            return chunk.enumerated().sorted {
                lengths[$0.element] != lengths[$1.element] ? lengths[$0.element] > lengths[$1.element] : $0.offset < $1.offset
            }.map(\.element)
        }
        // The first megabatch whose head is longest (torch.argmax returns the first maximum).
        var longest = 0
        for (index, megabatch) in megabatches.enumerated() where lengths[megabatch[0]] > lengths[megabatches[longest][0]] {
            longest = index
        }
        let head = megabatches[0][0]
        megabatches[0][0] = megabatches[longest][0]
        megabatches[longest][0] = head
        return megabatches.flatMap { $0 }
    }
}
