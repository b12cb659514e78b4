import Foundation

/// tanh, the pooler's activation (transformers `BertPooler`).
public enum Tanh {
    /// - out: (N), overwritten; inp: (N)
    public static func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { out[i] = tanhf(inp[i]) }
    }

    /// tanh'(x) = 1 - tanh(x)².
    /// - dinp: (N), overwritten; may be `dout` itself (in place)
    /// - out: (N) the forward output; dout: (N)
    public static func backward(dinp: UnsafeMutablePointer<Float>, out: UnsafePointer<Float>,
                                dout: UnsafePointer<Float>, count: Int) {
        if UnsafePointer(dinp) == dout {
            for i in 0..<count { dinp[i] *= 1 - out[i] * out[i] }   // one pointer less: vectorises in place
        } else {
            for i in 0..<count { dinp[i] = dout[i] * (1 - out[i] * out[i]) }
        }
    }
}
