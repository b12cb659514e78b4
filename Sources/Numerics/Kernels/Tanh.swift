import Foundation

/// tanh, the pooler's activation (transformers `BertPooler`).
public enum Tanh {
    /// - out: overwritten; inp: the same shape; both contiguous
    public static func forward(out: MutableMatrixView, inp: MatrixView) {
        assert(inp.isContiguous(like: out.readOnly), "Tanh: shapes")
        forward(out: out.base, inp: inp.base, count: inp.count)
    }

    /// - dinp: overwritten; may be `dout` itself (in place)
    /// - out: the forward output; dout: the same shape; all contiguous
    public static func backward(dinp: MutableMatrixView, out: MatrixView, dout: MatrixView) {
        assert(out.isContiguous(like: dinp.readOnly) && out.isContiguous(like: dout), "Tanh backward: shapes")
        backward(dinp: dinp.base, out: out.base, dout: dout.base, count: out.count)
    }

    // The pointer forms: the one implementation the views call.

    /// - out: (N), overwritten; inp: (N)
    static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { out[i] = tanhf(inp[i]) }
    }

    /// tanh'(x) = 1 - tanh(x)².
    /// - dinp: (N), overwritten; may be `dout` itself (in place)
    /// - out: (N) the forward output; dout: (N)
    static func backward(dinp: UnsafeMutablePointer<Float>, out: UnsafePointer<Float>,
                                dout: UnsafePointer<Float>, count: Int) {
        if UnsafePointer(dinp) == dout {
            for i in 0..<count { dinp[i] *= 1 - out[i] * out[i] }   // one pointer less: vectorises in place
        } else {
            for i in 0..<count { dinp[i] = dout[i] * (1 - out[i] * out[i]) }
        }
    }
}
