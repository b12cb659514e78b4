import Bert
import Display

/// The optimizer of the session's model: AdamW moments, step count and schedule, kept between
/// `train()` calls so that a second call continues. Belongs to one network; loading another
/// model drops it.
public final class OptimizerState: SessionComponent {
    public let step: TrainingStep

    public init(step: TrainingStep) { self.step = step }

    /// Whether this optimizer belongs to `network` (and not to a model loaded before it).
    public func belongs(to network: BertNetwork) -> Bool { step.network === network }

    /// The Double a person typed (5e-5), not the Float's binary expansion (4.99999987e-5).
    static func double(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }

    public var info: InfoSection {
        let o = step.options
        return InfoSection(title: "Optimizer", rows: [
            ("optimizer", "AdamW"), ("step", "\(step.step)"), ("total steps", "\(o.totalSteps)"),
            ("schedule", o.schedule.rawValue), ("warmup steps", "\(o.warmupSteps)"),
            ("peak lr", Value.format(Self.double(o.learningRate))), ("layer decay", Value.format(o.layerDecay)),
            ("frozen layers", "\(o.trained.frozenLayers)"),
            ("weight decay", Value.format(Self.double(o.weightDecay))),
        ], json: [
            "optimizer": "AdamW", "step": .int(step.step), "total_steps": .int(o.totalSteps),
            "schedule": .string(o.schedule.rawValue), "layer_decay": .double(o.layerDecay),
            "frozen_layers": .int(o.trained.frozenLayers),
            "warmup_steps": .int(o.warmupSteps), "lr": .double(Self.double(o.learningRate)),
            "weight_decay": .double(Self.double(o.weightDecay)),
            "next_lr": .double(Double(step.schedule.learningRate(at: step.step))),
        ])
    }
}

extension Session {
    /// The optimizer state, if the current model has been trained.
    public var optimizer: OptimizerState? {
        guard let state = component(OptimizerState.self), let model, state.belongs(to: model.network) else { return nil }
        return state
    }
}
