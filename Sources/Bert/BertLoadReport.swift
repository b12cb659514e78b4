/// What loading a checkpoint did beyond copying tensors, for the user to see.
public struct BertLoadReport: Equatable, CustomStringConvertible {
    /// The directory loaded.
    public var directory: String
    /// `architectures[0]` of the config, or "BertModel".
    public var checkpointArchitecture: String
    /// Parameters absent from the checkpoint (pooler, heads), initialised as transformers does.
    public var initialized: [String] = []
    /// Tensors in the file that the model does not use (e.g. `cls.*` when loading a classifier).
    public var unexpected: [String] = []
    /// Checkpoint names rewritten on the way in (`bert.` prefix added, `gamma`/`beta` renamed).
    public var renamed = 0
    /// The classifier's label count differed from the checkpoint's: it was re-initialised.
    public var classifierReplaced = false

    public var description: String {
        var lines = ["loaded \(checkpointArchitecture) from \(directory)"]
        if !initialized.isEmpty {
            lines.append("newly initialised (not in the checkpoint): " + Self.summarize(initialized))
        }
        if classifierReplaced { lines.append("the classifier was re-initialised for the new label count") }
        if !unexpected.isEmpty { lines.append("unused tensors in the checkpoint: " + Self.summarize(unexpected)) }
        return lines.joined(separator: "\n")
    }

    /// Names grouped by their module (`cls.predictions.*`) to keep reports short.
    static func summarize(_ names: [String]) -> String {
        var groups: [String] = []
        for name in names {
            var parts = name.split(separator: ".").dropLast()
            if parts.count > 2 { parts = parts.prefix(2) }
            let group = parts.joined(separator: ".")
            if !groups.contains(group) { groups.append(group) }
        }
        return groups.joined(separator: ", ") + " (\(names.count) tensors)"
    }
}
