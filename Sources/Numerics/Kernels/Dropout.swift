/// Inverted dropout (`torch.nn.Dropout` in training mode): keep with probability 1 - p and scale
/// by 1 / (1 - p). The mask is kept (as the scale per element: 0 or 1 / (1 - p)) so the backward
/// applies exactly the same one. A mask has the shape of the values it drops.
///
/// Random numbers are counter-based (SplitMix64 of seed and element index), so a mask does not
/// depend on how the work was split over threads, and a step is reproducible from its seed.
public enum Dropout {
    /// - mask: overwritten with 0 or 1 / (1 - p), contiguous
    public static func makeMask(_ mask: MutableMatrixView, probability p: Float, seed: UInt64) {
        assert(mask.isContiguous, "Dropout: a strided mask")
        makeMask(mask.base, count: mask.count, probability: p, seed: seed)
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

    /// - mask: (N), overwritten with 0 or 1 / (1 - p)
    static func makeMask(_ mask: UnsafeMutablePointer<Float>, count: Int, probability p: Float, seed: UInt64) {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1)")
        let scale = 1 / (1 - p)
        // Keep when a uniform 24-bit integer is at least p · 2^24.
        let threshold = UInt64((Double(p) * 16_777_216).rounded())
        Parallel.forRanges(count, work: 1) { range in
            for i in range {
                let bits = splitMix64(seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 40
                mask[i] = bits >= threshold ? scale : 0
            }
        }
    }

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
