/// Class names <-> ids. Saved with a model as `config.json`'s `id2label` / `label2id`.
///
///     let map = LabelMap.sorted(["positive", "negative"], numeric: false)
///     map.names == ["negative", "positive"]; map.id(of: "positive") == 1
///
/// Order (stable and documented, as the `datasets` library's `class_encode_column` gives:
/// `sorted(unique values)`): integer labels in numeric order (`-1 < 2 < 10`), named by their
/// decimal form; any other labels in lexicographic order of Unicode scalars, as Python's
/// `sorted` on `str` orders them (so `"B" < "a"`).
public struct LabelMap: Equatable, Hashable, Sendable {
    /// The name of each id: `names[id]`.
    public let names: [String]
    private let idOfName: [String: Int]

    /// A map with these names in this order. Throws when a name repeats (a saved config or a
    /// user-given list can be wrong).
    public init(names: [String]) throws {
        var idOfName: [String: Int] = [:]
        for (id, name) in names.enumerated() {
            if let first = idOfName[name] {
                throw DatasetError.argument("label '\(name)' appears twice in the label list (ids \(first) and \(id))")
            }
            idOfName[name] = id
        }
        self.names = names
        self.idOfName = idOfName
    }

    /// The map of the distinct `values` in the documented order. `numeric` says every value
    /// is an integer literal (then they are ordered numerically and renamed to their canonical
    /// decimal form, so `"01"` and `"1"` are one class).
    public static func sorted<Values: Sequence>(_ values: Values, numeric: Bool) -> LabelMap where Values.Element == String {
        let names: [String]
        if numeric {
            names = Set(values.compactMap { Int($0) }).sorted().map(String.init)
        } else {
            names = Set(values).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        }
        return LabelMap(distinctNames: names)
    }

    /// For names already known to be distinct.
    private init(distinctNames names: [String]) {
        self.names = names
        self.idOfName = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
    }

    /// The number of classes.
    public var count: Int { names.count }

    /// The id of `name`, or nil. Integer maps also find `"01"` as `"1"`.
    public func id(of name: String) -> Int? {
        if let id = idOfName[name] { return id }
        if let number = Int(name) { return idOfName[String(number)] }
        return nil
    }

    /// The name of `id`. `id` must be in `0..<count`.
    public func name(of id: Int) -> String {
        precondition(names.indices.contains(id), "label id \(id) is outside 0..<\(count)")
        return names[id]
    }

    /// `config.json`'s `id2label`, keys as strings as `transformers` writes them.
    public var id2label: [String: String] {
        Dictionary(uniqueKeysWithValues: names.enumerated().map { (String($0.offset), $0.element) })
    }

    /// `config.json`'s `label2id`.
    public var label2id: [String: Int] { idOfName }

    /// The map read back from `config.json`'s `id2label` (ids must be exactly `0..<n`).
    public init(id2label: [String: String]) throws {
        var names = [String?](repeating: nil, count: id2label.count)
        for (key, name) in id2label {
            guard let id = Int(key), names.indices.contains(id) else {
                throw DatasetError.format("id2label key '\(key)' is not an id in 0..<\(id2label.count)")
            }
            names[id] = name
        }
        let filled = names.compactMap { $0 }
        guard filled.count == names.count else {
            throw DatasetError.format("id2label ids must be exactly 0..<\(id2label.count), got \(id2label.keys.sorted())")
        }
        try self.init(names: filled)
    }

    public static func == (lhs: LabelMap, rhs: LabelMap) -> Bool { lhs.names == rhs.names }
    public func hash(into hasher: inout Hasher) { hasher.combine(names) }
}
