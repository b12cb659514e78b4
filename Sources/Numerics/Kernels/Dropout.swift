/// Inverted dropout (`torch.nn.Dropout` in training mode): keep with probability 1 - p and scale
/// by 1 / (1 - p). The mask is kept (as the scale per element: 0 or 1 / (1 - p)) so the backward
/// applies exactly the same one. A mask has the shape of the values it drops.
///
/// Random numbers are counter-based (SplitMix64 of the seed and a counter), and the counter of an
/// element names what the element is (`MaskKeys`: which example of the whole batch, which head,
/// position and column), not where it lies in this process's buffer. So a mask does not depend on
/// how the work was split over threads, on how long the batch was padded, or on which rows of the
/// global batch this process holds: R processes draw for their rows exactly what one process
/// draws for all of them (issue 20), and a step is reproducible from its seed.
public enum Dropout {
    /// Where a mask's rows stand among everything a step could draw. A (B·G·T, W) mask holds, for
    /// each of its B examples, G groups (heads) of T positions of W columns; element (b, g, t, w)
    /// is drawn with the counter
    ///
    ///     (((firstExample + b) · G + g) · P + t) · K + w
    ///
    /// where P ≥ T and K ≥ W are fixed by the model (its longest sequence, its width), never by
    /// the batch: padding a batch longer, or cutting it into ranks' shares, changes no element's
    /// counter, only which elements there are.
    public struct MaskKeys: Equatable, Sendable {
        /// The index, in the whole batch, of this mask's first example (its first row's).
        public var firstExample: Int
        /// B: examples in this mask.
        public var examples: Int
        /// G: groups of positions per example (1 for activations, H for attention probabilities).
        public var groups: Int
        /// P ≥ T: positions per group in the counter's space.
        public var positions: Int
        /// K ≥ W: columns per position in the counter's space.
        public var columns: Int

        /// A (B·T, C) activation (or, with T = 1, a (B, C) one), positions counted up to P.
        public static func activations(firstExample: Int, examples B: Int, positions P: Int, width C: Int) -> MaskKeys {
            MaskKeys(firstExample: firstExample, examples: B, groups: 1, positions: P, columns: C)
        }

        /// (B, H, T, T) attention probabilities: query and key positions both counted up to P.
        public static func attention(firstExample: Int, examples B: Int, heads H: Int, positions P: Int) -> MaskKeys {
            MaskKeys(firstExample: firstExample, examples: B, groups: H, positions: P, columns: P)
        }
    }

    /// - mask: (B·G·T, W) with `keys` (B, G) and T ≤ P, W ≤ K; overwritten with 0 or 1 / (1 - p)
    public static func makeMask(_ mask: MutableMatrixView, keys: MaskKeys, probability p: Float, seed: UInt64) {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1)")
        let perExample = keys.examples * keys.groups
        precondition(perExample > 0 && mask.rows % perExample == 0, "Dropout: a mask's rows are B · G · T")
        let T = mask.rows / perExample, W = mask.columns, G = keys.groups
        precondition(T <= keys.positions && W <= keys.columns, "Dropout: a mask wider than its counter space")
        let scale = 1 / (1 - p)
        // Keep when a uniform 24-bit integer is at least p · 2^24.
        let threshold = UInt64((Double(p) * 16_777_216).rounded())
        let base = mask.base, stride = mask.rowStride
        Parallel.forRanges(mask.rows, work: W) { range in
            for r in range {
                let b = r / (G * T), g = (r / T) % G, t = r % T
                let first = UInt64((((keys.firstExample + b) * G + g) * keys.positions + t) * keys.columns)
                let row = base + r * stride
                for w in 0..<W {
                    let bits = splitMix64(seed &+ (first &+ UInt64(w)) &* 0x9E37_79B9_7F4A_7C15) >> 40
                    row[w] = bits >= threshold ? scale : 0
                }
            }
        }
    }

    /// - out: overwritten; may be `inp` itself (in place)
    /// - inp, mask: the same shape; all contiguous
    public static func forward(out: MutableMatrixView, inp: MatrixView, mask: MatrixView) {
        assert(inp.isContiguous(like: out.readOnly) && inp.isContiguous(like: mask), "Dropout: shapes")
        forward(out: out.base, inp: inp.base, mask: mask.base, count: inp.count)
    }

    /// - dinp: overwritten; may be `dout` itself (in place)
    /// - dout, mask: the same shape; all contiguous
    public static func backward(dinp: MutableMatrixView, dout: MatrixView, mask: MatrixView) {
        assert(dout.isContiguous(like: dinp.readOnly) && dout.isContiguous(like: mask), "Dropout backward: shapes")
        backward(dinp: dinp.base, dout: dout.base, mask: mask.base, count: dout.count)
    }

    // The pointer forms, for the kernels above and Numerics' own loops.

    /// - out: (N), overwritten; may be `inp` itself (in place)
    /// - inp, mask: (N)
    static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                        mask: UnsafePointer<Float>, count: Int) {
        apply(out: out, inp: inp, mask: mask, count: count)
    }

    /// - dinp: (N), overwritten; may be `dout` itself (in place)
    /// - dout, mask: (N)
    static func backward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                         mask: UnsafePointer<Float>, count: Int) {
        apply(out: dinp, inp: dout, mask: mask, count: count)
    }

    /// out = inp ⊙ mask, with its own in-place loop (see `GELU`: an exact overlap would
    /// otherwise take the scalar path).
    private static func apply(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                              mask: UnsafePointer<Float>, count: Int) {
        Parallel.forRanges(count, work: 1) { range in
            if UnsafePointer(out) == inp {
                for i in range { out[i] *= mask[i] }
            } else {
                for i in range { out[i] = inp[i] * mask[i] }
            }
        }
    }

    /// SplitMix64's output function (Steele, Lea, Flood 2014), a strong 64-bit mixer.
    @inline(__always)
    static func splitMix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
