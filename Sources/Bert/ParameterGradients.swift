/// Which parameters a backward pass computes gradients for. Every pass computes the gradient
/// flowing down through the activations; this says which dW, db and embedding-table gradients are
/// added to `BertNetwork.gradients` on the way.
///
///     let (gradient, logits) = try network.logitGradientAtEmbeddings(batch, embeddings: e, targets: [1],
///                                                                   parameterGradients: .none)
///
/// Integrated gradients (`logitGradientAtEmbeddings`) needs only d embeddingOut: with `.none` it
/// skips the weight GEMM of every Linear and the reductions of every LayerNorm, about a third of
/// the backward's work (issue 17), and leaves `gradients` untouched.
///
/// The questions below are what the backward asks, per part of the network, so that freezing the
/// first k encoder layers (issue 18, part 4) is one more case, `.fromLayer(k)`: the heads and
/// encoder layers l >= k; then `forwardBackward` takes a value too and asks one more question
/// before the embeddings' backward (false for k > 0). Today `forwardBackward` is always `.all`.
public enum ParameterGradients: Equatable, Sendable {
    /// Every parameter: training.
    case all
    /// None: only the gradient with respect to the activations (attributions).
    case none

    /// Whether the heads (pooler, classifier, MLM, NSP) get parameter gradients.
    var heads: Bool {
        switch self {
        case .all: true
        case .none: false
        }
    }

    /// Whether encoder layer `index` (0 nearest the embeddings) gets parameter gradients.
    func encoderLayer(_ index: Int) -> Bool {
        switch self {
        case .all: true
        case .none: false
        }
    }
}
