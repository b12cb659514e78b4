import Numerics

/// Splitting a training set into train and validation, seeded and stratified.
///
///     var rng = SeededGenerator(seed: 42)
///     let (train, validation) = StratifiedSplit.split(strata: [0, 0, 1, 1, 1], fraction: 0.4, using: &rng)
///
/// How many go to validation: `round(fraction * n)` (at least 1 when `fraction > 0` and
/// `n >= 2`, at most `n - 1`). Stratified (when `strata` are given): each class gets its
/// share `total * n_c / n` rounded down, the examples left over go one each to the classes with
/// the largest remainders (ties to the lower class id) — Hamilton's method, the same
/// allocation idea as scikit-learn's `StratifiedShuffleSplit` — never leaving a class with no
/// example in train. Which examples: each class's indices, in file order, are shuffled with the
/// generator (classes in id order) and the first ones taken. Both outputs are in file order,
/// so the result depends only on the data, the fraction and the seed.
public enum StratifiedSplit {
    /// - strata: the class of each example, or nil for a plain (unstratified) random split
    ///   (regression, multi-label).
    /// - Returns: indices into the examples, each list ascending.
    public static func split(strata: [Int]?, count: Int, fraction: Double,
                             using rng: inout SeededGenerator) -> (train: [Int], validation: [Int]) {
        precondition(fraction >= 0 && fraction < 1, "validation fraction must be in [0, 1)")
        precondition(strata == nil || strata!.count == count)
        let total = validationCount(count: count, fraction: fraction)
        guard total > 0 else { return (Array(0..<count), []) }

        var chosen = [Bool](repeating: false, count: count)
        if let strata {
            let classCount = (strata.max() ?? -1) + 1
            var members = [[Int]](repeating: [], count: classCount)
            for (index, stratum) in strata.enumerated() { members[stratum].append(index) }
            let quotas = allocate(total: total, sizes: members.map(\.count))
            for (stratum, quota) in quotas.enumerated() where quota > 0 {
                for index in rng.shuffled(members[stratum]).prefix(quota) { chosen[index] = true }
            }
        } else {
            for index in rng.shuffled(Array(0..<count)).prefix(total) { chosen[index] = true }
        }
        var train: [Int] = [], validation: [Int] = []
        for index in 0..<count {
            if chosen[index] { validation.append(index) } else { train.append(index) }
        }
        return (train, validation)
    }

    /// The size of the validation split for `count` examples.
    public static func validationCount(count: Int, fraction: Double) -> Int {
        guard fraction > 0, count >= 2 else { return 0 }
        let rounded = Int((fraction * Double(count)).rounded())
        return min(max(rounded, 1), count - 1)
    }

    /// Per-class validation counts summing to `total` where the caps allow, each class keeping
    /// at least one example for training (a class of one stays whole in train).
    static func allocate(total: Int, sizes: [Int]) -> [Int] {
        let count = sizes.reduce(0, +)
        guard count > 0 else { return sizes.map { _ in 0 } }
        let caps = sizes.map { max($0 - 1, 0) }
        // Exact integer shares: floor(total * n_c / n) with remainder (total * n_c) % n.
        var quotas = sizes.indices.map { min(total * sizes[$0] / count, caps[$0]) }
        let remainders = sizes.map { total * $0 % count }
        let order = sizes.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
        var assigned = quotas.reduce(0, +)
        while assigned < total {
            var progressed = false
            for stratum in order where assigned < total && quotas[stratum] < caps[stratum] {
                quotas[stratum] += 1
                assigned += 1
                progressed = true
            }
            if !progressed { break }
        }
        return quotas
    }
}
