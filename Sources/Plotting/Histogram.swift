import Foundation

/// Counts of `values` in equal-width bins, drawn as adjacent bars.
public struct Histogram: Sendable {
    public var name: String?
    public var values: [Double]
    /// nil: a 1-2-5 width giving about 30 bins, at least 1 when every value is an integer.
    public var binWidth: Double?
    public var color: Color?

    public init(name: String? = nil, values: [Double], binWidth: Double? = nil, color: Color? = nil) {
        self.name = name
        self.values = values
        self.binWidth = binWidth
        self.color = color
    }

    /// A bin: `lower..<upper` holding `count` values.
    struct Bin {
        var lower: Double
        var upper: Double
        var count: Int
    }

    /// The bins of the finite values, aligned to multiples of the width; empty if none.
    var bins: [Bin] {
        let finite = values.filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max() else { return [] }
        let integers = finite.allSatisfy { $0 == $0.rounded() }
        var width = binWidth.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
            ?? Ticks.niceStep((hi - lo) / 30)
        if integers { width = max(1, width.rounded()) }
        // A given width too fine for the range would allocate millions of bins.
        while (hi - lo) / width > 5000 { width *= 10 }
        guard width.isFinite, width > 0, (hi - lo).isFinite else { return [] }
        // Integers sit in the middle of their bins: [k - 0.5, k + 0.5) for width 1.
        let origin = integers ? -0.5 : 0
        let first = ((lo - origin) / width).rounded(.down)
        let last = ((hi - origin) / width).rounded(.down)
        let count = Int(last - first) + 1
        var bins = (0..<count).map { i in
            Bin(lower: origin + (first + Double(i)) * width, upper: origin + (first + Double(i) + 1) * width, count: 0)
        }
        for v in finite {
            let index = min(count - 1, max(0, Int(((v - origin) / width).rounded(.down) - first)))
            bins[index].count += 1
        }
        return bins
    }
}
