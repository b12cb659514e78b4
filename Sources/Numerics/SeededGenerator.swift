// SeededGenerator: the one source of randomness in bert-kernel (shuffles, splits, dropout masks,
// MLM masking, NSP pairs, new-head initialisation). Deterministic for a seed on every platform:
// nothing here calls the standard library's `random(in:)` / `shuffle()`, whose algorithms Swift
// does not promise to keep stable across versions.

/// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018;
/// reference C at https://prng.di.unimi.it/xoshiro256starstar.c), its 256-bit state filled from
/// the seed by splitmix64 as the authors recommend (https://prng.di.unimi.it/splitmix64.c).
///
///     var rng = SeededGenerator(seed: 42)
///     let u = rng.nextDouble()            // uniform in [0, 1)
///     let order = rng.shuffled(Array(0..<10))
///     let w = rng.nextNormalFloat(mean: 0, standardDeviation: 0.02)
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The seed this generator was created with (for reports and reproducibility notes).
    public let seed: UInt64
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        self.seed = seed
        var splitmix = seed
        func nextSplitmix() -> UInt64 {
            splitmix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitmix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // splitmix64 never yields four zero words in a row, so the state is never all zero.
        state = (nextSplitmix(), nextSplitmix(), nextSplitmix(), nextSplitmix())
    }

    @inline(__always)
    private static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = Self.rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotateLeft(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits: the top 53 bits scaled by 2^-53 (Vigna's recipe).
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [0, 1) with 24 random bits: the top 24 bits scaled by 2^-24, so the result
    /// is exactly representable and never rounds up to 1.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// Uniform integer in `0..<bound`, unbiased (Lemire, "Fast random integer generation in an
    /// interval", 2019: multiply-high with rejection of the few biased low products).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let n = UInt64(bound)
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold {
                product = next().multipliedFullWidth(by: n)
            }
        }
        return Int(product.high)
    }

    /// True with probability `p` (one uniform draw compared against `p`).
    public mutating func nextBernoulli(_ p: Double) -> Bool {
        nextDouble() < p
    }

    /// One normal sample by the Box-Muller transform (Box & Muller, 1958), consuming exactly
    /// two uniforms and returning the cosine branch, so the number of draws per sample is fixed.
    public mutating func nextNormal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        let u1 = 1.0 - nextDouble()         // (0, 1]: log is finite
        let u2 = nextDouble()
        let radius = (-2.0 * _log(u1)).squareRoot()
        return mean + standardDeviation * radius * _cos(2.0 * Double.pi * u2)
    }

    /// A normal sample as Float (computed in Double, then rounded once).
    public mutating func nextNormalFloat(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        Float(nextNormal(mean: Double(mean), standardDeviation: Double(standardDeviation)))
    }

    /// Fills `values` with normal samples, in index order (how new heads are initialised:
    /// `transformers` uses normal(0, initializer_range) for weights).
    public mutating func fillNormal(_ values: inout [Float], mean: Float = 0, standardDeviation: Float = 1) {
        for i in values.indices {
            values[i] = nextNormalFloat(mean: mean, standardDeviation: standardDeviation)
        }
    }

    /// Fisher-Yates shuffle in place (Durstenfeld's version: for i from n-1 down to 1, swap i
    /// with a uniform j in 0...i). Deterministic for a seed.
    public mutating func shuffle<Element>(_ values: inout [Element]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, through: 1, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { values.swapAt(i, j) }
        }
    }

    /// A shuffled copy of `values` (see `shuffle(_:)`).
    public mutating func shuffled<Element>(_ values: [Element]) -> [Element] {
        var copy = values
        shuffle(&copy)
        return copy
    }
}

// Foundation-free log and cos: Numerics does not import Foundation elsewhere; Glibc/Darwin
// give the C functions.
#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#elseif canImport(Musl)
import Musl
@inline(__always) private func _log(_ x: Double) -> Double { Musl.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Musl.cos(x) }
#endif
