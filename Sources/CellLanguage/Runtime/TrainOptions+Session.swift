import Bert
import TextDatasets

/// The checks of `train`'s options that report the argument they are about (`ArgumentError`
/// with a caret under it): the declared ranges (`TrainOptions.declarations`), and options that
/// do not apply to the dataset's task. The model's own limit on `maxLength` is
/// `Session.checkMaxLength`.
extension TrainOptions {
    /// Rejects the first option outside its declared range, naming the argument.
    func checkDeclaredRanges() throws {
        guard let (declaration, value) = firstViolation(), let range = declaration.range else { return }
        throw SessionError(.argument, "\(declaration.name) must be \(range.phrase(Value.formatNumber)), got \(Value.formatNumber(value))",
                           argument: declaration.name)
    }

    /// Rejects a `freeze:` that leaves nothing of a model with `layers` layers to train, naming
    /// the argument (the trainer checks it too: `TrainingStep.checkTrained`).
    func checkFreeze(layers: Int) throws {
        guard case .layers(let k) = freeze, k > layers else { return }
        throw SessionError(.argument, "freeze: \(k) would freeze more than the model's \(layers) layers, and nothing of the "
                           + "encoder would be left to train; freeze: \(layers) or freeze: \"encoder\" trains the heads alone",
                           argument: "freeze")
    }

    /// Rejects options that do not apply to the dataset's task, with an `ArgumentError`.
    func validate(for task: TaskKind) throws {
        guard task != .singleLabel else { return }
        let kind = task == .multiLabel ? "multi-label classification (its loss is a binary cross-entropy per label)"
                                       : "regression (its loss is the mean squared error)"
        if classWeights {
            throw SessionError(.argument, "classWeights applies to single-label classification; the dataset is \(kind)",
                               argument: "classWeights")
        }
        if labelSmoothing != 0 {
            throw SessionError(.argument, "labelSmoothing applies to single-label classification; the dataset is \(kind)",
                               argument: "labelSmoothing")
        }
    }
}
