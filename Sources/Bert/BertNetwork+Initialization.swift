import Foundation
import Numerics

extension BertNetwork {
    /// Initialises the named parameters as transformers' `BertPreTrainedModel._init_weights`:
    /// Linear and embedding weights normal(0, initializer_range) (the padding row of the word
    /// embeddings zero), biases 0, LayerNorm weight 1 and bias 0.
    public func initialize<G: RandomNumberGenerator>(_ names: [String], using generator: inout G) {
        let std = Float(config.initializerRange)
        for name in names {
            guard let values = mutableParameter(name) else { continue }
            if name.hasSuffix("LayerNorm.weight") {
                values.fill(1)
            } else if name.hasSuffix("bias") {
                values.fill(0)
            } else {
                for i in values.indices { values[i] = std * Float(generator.standardNormal()) }
                if name == "bert.embeddings.word_embeddings.weight", config.padTokenId >= 0,
                   config.padTokenId < config.vocabSize {
                    let C = config.hiddenSize
                    for i in (config.padTokenId * C)..<((config.padTokenId + 1) * C) { values[i] = 0 }
                }
            }
        }
    }

    /// Initialises every parameter: a model to pre-train from scratch.
    public func initializeAll<G: RandomNumberGenerator>(using generator: inout G) {
        initialize(layout.names, using: &generator)
    }
}

extension RandomNumberGenerator {
    /// A standard normal sample (Box–Muller), for any generator.
    mutating func standardNormal() -> Double {
        let u1 = 1 - Double(next() >> 11) * 0x1p-53   // (0, 1], so the log is finite
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}

extension BertNetwork {
    /// A copy of all parameters, e.g. the best weights for early stopping.
    public func snapshotParameters() -> FloatBuffer {
        let copy = FloatBuffer(count: parameters.count)
        copy.copy(from: parameters)
        return copy
    }

    /// Restores parameters from `snapshotParameters()` of this network.
    public func restoreParameters(from snapshot: FloatBuffer) throws {
        guard snapshot.count == parameters.count else {
            throw BertError(.argument, "the snapshot holds \(snapshot.count) values, the model \(parameters.count)")
        }
        parameters.copy(from: snapshot)
    }
}

extension BertNetwork {
    /// A network with `heads` that takes `source`'s parameters wherever both have one of the same
    /// name and size, and initialises the rest as `initialize` does: a pre-trained encoder with a
    /// fresh classifier, say. The names initialised fresh are returned in layout order.
    public static func grafting<G: RandomNumberGenerator>(_ source: BertNetwork, config: BertConfig, heads: BertHeads,
                                                         using generator: inout G) throws -> (network: BertNetwork, fresh: [String]) {
        let network = try BertNetwork(config: config, heads: heads)
        var fresh: [String] = []
        for entry in network.layout.entries {
            if let trained = source.parameter(entry.name), trained.count == entry.count {
                network.mutableParameter(entry.name)!.copy(from: trained)
            } else {
                fresh.append(entry.name)
            }
        }
        network.initialize(fresh, using: &generator)
        return (network, fresh)
    }
}
