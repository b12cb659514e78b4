/// `Dropout` on views: a mask has the shape of the values it drops. (A separate file while the
/// pointer forms in Dropout.swift are being optimised; they become internal once that lands.)
extension Dropout {
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
}
