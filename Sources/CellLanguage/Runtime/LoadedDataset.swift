import Display
import TextDatasets

/// The dataset of the session (`load(dataset:)`): `session.dataset`, or `try session.requireDataset()`.
public struct LoadedDataset: SessionComponent {
    public var dataset: TextDataset

    public init(_ dataset: TextDataset) { self.dataset = dataset }

    public var labelNames: [String] { dataset.labelMap.names }

    public var info: InfoSection {
        let d = dataset
        return InfoSection(title: "Dataset", rows: [
            ("name", d.name), ("task", d.task.rawValue),
            ("examples", "train \(d.train.count), validation \(d.validation.count), test \(d.test.count)"),
            ("labels", d.task == .regression ? "(a value in column \(d.labelColumn))" : d.labelMap.names.joined(separator: ", ")),
        ], json: [
            "name": .string(d.name), "task": .string(d.task.rawValue),
            "train": .int(d.train.count), "validation": .int(d.validation.count), "test": .int(d.test.count),
            "labels": JSON(d.labelMap.names),
        ])
    }
}

extension Session {
    /// The loaded dataset, if any.
    public var dataset: LoadedDataset? { component(LoadedDataset.self) }

    /// The loaded dataset, or `StateError` "no dataset is loaded; run load(dataset: ...) first".
    public func requireDataset() throws -> LoadedDataset {
        guard let dataset else { throw SessionError(.state, "no dataset is loaded; run load(dataset: ...) first") }
        return dataset
    }
}
