import Numerics

/// transformers `BertIntermediate`: GELU(dense(x)), C -> I.
struct BertIntermediate {
    let dense: LinearParameters    // weight (I, C), bias (I)

    init(layout: ParameterLayout, prefix: String) {
        dense = BertParameters.linear(layout, prefix + "intermediate.dense")
    }

    /// - out: (B·T, I) GELU output, overwritten; may be `preactivation` (inference runs GELU in place)
    /// - preactivation: (B·T, I) dense output, overwritten
    /// - x: (B·T, C)
    func forward(out: MutableMatrixView, preactivation: MutableMatrixView, x: MatrixView, params w: FloatBuffer) {
        // GELU on each block of rows right after its GEMM, while the block is in cache.
        Linear.forward(out: preactivation, inp: x, weight: dense.weight(w), bias: dense.bias(w)) { range in
            GELU.forward(out: out.rows(range), inp: preactivation.rows(range).readOnly)
        }
    }

    /// GELU's backward on rows `range` of dout (B·T, I), in place: the epilogue of the
    /// following layer's input-gradient GEMM, which just wrote those rows. It writes those rows
    /// of the GELU output (B·T, I) again, for that layer's weight gradient (all layers share one
    /// output buffer in training, `BertActivations`).
    func activationBackward(dout: MutableMatrixView, output: MutableMatrixView, preactivation: MatrixView,
                            range: Range<Int>) {
        GELU.backwardRecomputingOutput(dinp: dout.rows(range), out: output.rows(range), inp: preactivation.rows(range))
    }

    /// - dx: (B·T, C) accumulated (+=)
    /// - dpreactivation: (B·T, I), the gradient after `activationBackward`
    /// - grads: the flat gradient buffer, or nil to skip the parameter gradients
    func backward(dx: MutableMatrixView, dpreactivation dout: MatrixView, x: MatrixView,
                  params w: FloatBuffer, grads g: FloatBuffer?) {
        let dg = dense.gradients(in: g)
        Linear.backward(dinp: dx, dweight: dg.weight, dbias: dg.bias, dout: dout, inp: x, weight: dense.weight(w),
                        accumulateInput: true)
    }
}
