/// Which parameters a backward pass computes gradients for. Every pass computes the gradient
/// flowing down through the activations as far as it is needed; this says which dW, db and
/// embedding-table gradients are added to `BertNetwork.gradients` on the way.
///
///     let (gradient, logits) = try network.logitGradientAtEmbeddings(batch, embeddings: e, targets: [1],
///                                                                   parameterGradients: .none)
///     try network.forwardBackward(batch, labels: labels, parameterGradients: .fromLayer(4))   // freeze: 4
///
/// Integrated gradients (`logitGradientAtEmbeddings`) needs only d embeddingOut: with `.none` it
/// skips the weight GEMM of every Linear and the reductions of every LayerNorm, about a third of
/// the backward's work (issue 17), and leaves `gradients` untouched.
///
/// `.fromLayer(k)` is `train(freeze: k)` (issue 18, part 4): the heads and encoder layers l >= k
/// get gradients; the embeddings and layers below k none, and the backward pass stops after
/// layer k (nothing below it needs a gradient), so the frozen layers cost their forward only.
/// `.fromLayer(N)` trains the heads alone (`freeze: "encoder"`); `.fromLayer(0)` is `.all`.
public enum ParameterGradients: Equatable, Sendable {
    /// Every parameter: training.
    case all
    /// None: only the gradient with respect to the activations (attributions).
    case none
    /// The heads and encoder layers `k...` (the embeddings and layers `0..<k` frozen).
    case fromLayer(Int)

    /// Whether the heads (pooler, classifier, MLM, NSP) get parameter gradients.
    var heads: Bool {
        switch self {
        case .all, .fromLayer: true
        case .none: false
        }
    }

    /// Whether encoder layer `index` (0 nearest the embeddings) gets parameter gradients.
    func encoderLayer(_ index: Int) -> Bool {
        switch self {
        case .all: true
        case .none: false
        case .fromLayer(let k): index >= k
        }
    }

    /// Whether the embeddings get parameter gradients.
    var embeddings: Bool {
        switch self {
        case .all: true
        case .none: false
        case .fromLayer(let k): k == 0
        }
    }

    /// The lowest encoder layer whose backward runs: 0, unless the layers below are frozen.
    var lowestBackwardLayer: Int {
        switch self {
        case .all, .none: 0
        case .fromLayer(let k): k
        }
    }

    /// The number of frozen encoder layers (0 when every parameter trains).
    public var frozenLayers: Int {
        if case .fromLayer(let k) = self { return k }
        return 0
    }
}
