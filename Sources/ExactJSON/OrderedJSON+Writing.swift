/// Writing an `OrderedJSON` value as text, members in their order: the checkpoint files
/// (`trainer_state.json`, `training_state.json`) are built as values and written here.
///
///     OrderedJSON.object([("step", .int(3)), ("loss", .double(0.25))]).text()
///     // {\n  "step": 3,\n  "loss": 0.25\n}
///
/// The layout is Python's `json.dumps(indent=2)`, which transformers' `TrainerState.save_to_json`
/// writes (members sorted there; here in the order given, so callers sort when they mean to).
extension OrderedJSON {
    /// An integer number.
    public static func int(_ value: Int) -> OrderedJSON { .number(String(value)) }

    /// A finite Double as its shortest text that reads back to the same bits (Swift's
    /// `description`), or null for NaN and infinities, which JSON cannot write.
    public static func double(_ value: Double) -> OrderedJSON {
        value.isFinite ? .number(value.description) : .null
    }

    /// The value as JSON text, indented by `indent` spaces per level (0: one line).
    public func text(indent: Int = 2) -> String {
        var out = ""
        write(to: &out, indent: indent, level: 0)
        return out
    }

    private func write(to out: inout String, indent: Int, level: Int) {
        let newline = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let closing = String(repeating: " ", count: indent * level)
        switch self {
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{" + newline
            for (index, member) in members.enumerated() {
                out += pad + JSONStringLiteral.quoted(member.key) + ": "
                member.value.write(to: &out, indent: indent, level: level + 1)
                out += (index < members.count - 1 ? "," : "") + (indent > 0 ? newline : index < members.count - 1 ? " " : "")
            }
            out += closing + "}"
        case .array(let elements):
            guard !elements.isEmpty else { out += "[]"; return }
            out += "[" + newline
            for (index, element) in elements.enumerated() {
                out += pad
                element.write(to: &out, indent: indent, level: level + 1)
                out += (index < elements.count - 1 ? "," : "") + (indent > 0 ? newline : index < elements.count - 1 ? " " : "")
            }
            out += closing + "]"
        case .string(let text): out += JSONStringLiteral.quoted(text)
        case .number(let text): out += text
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        }
    }
}
