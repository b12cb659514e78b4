import Bert
import Foundation
import Display

/// Help texts generated from the registry: one command's signature, doc, parameters and
/// example (`help(train)`, `?train`, inspection), and the command list (`help()`).
enum Help {
    /// Help for a command or a bound name, or nil when `name` is neither.
    static func bundle(for name: String, registry: CommandRegistry, session: Session) -> MimeBundle? {
        let overloads = registry.overloads(name)
        if !overloads.isEmpty {
            var bundle = MimeBundle(plain: plainText(overloads))
            bundle.data["text/markdown"] = .string(markdown(overloads, headingLevel: 3))
            return bundle
        }
        if let value = session.value(of: name) {
            let text = "\(name): \(value.typeName) = \(value.plainText)"
            var bundle = MimeBundle(plain: text)
            bundle.data["text/markdown"] = .string("`\(name)`: `\(value.typeName)`\n\n```\n\(value.plainText)\n```")
            return bundle
        }
        return nil
    }

    static func plainText(_ overloads: [Command]) -> String {
        overloads.map { command in
            var lines = [command.signature, "", indent(command.summary)]
            if !command.doc.isEmpty { lines += ["", indent(command.doc)] }
            if !command.parameters.isEmpty {
                lines += ["", "    Parameters:"]
                let width = command.parameters.map { ($0.label ?? "_ \($0.name)").count }.max() ?? 0
                for p in command.parameters {
                    let name = (p.label ?? "_ \(p.name)")
                    lines.append("      " + name + String(repeating: " ", count: width - name.count) + "  " + parameterLine(p))
                }
            }
            lines += ["", "    Example:", indent(command.example, by: 6)]
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// `Int = 3, 1...1000 — passes over the data`
    static func parameterLine(_ p: Parameter) -> String {
        var facts = [p.typeDescription]
        if let d = p.defaultValue { facts[0] += " = " + d.plainText } else if p.optional { facts[0] += " = nil" } else { facts.append("required") }
        if !p.allowed.isEmpty { facts.append("one of " + p.allowed.map { "\"\($0)\"" }.joined(separator: ", ")) }
        if let r = p.range { facts.append(r.text(Value.formatNumber)) }
        return facts.joined(separator: ", ") + " — " + p.doc
    }

    static func markdown(_ overloads: [Command], headingLevel: Int) -> String {
        let hashes = String(repeating: "#", count: headingLevel)
        return overloads.map { command in
            var out = "\(hashes) `\(command.selector)`\n\n```swift\n\(command.signature)\n```\n\n\(command.summary)\n"
            if !command.doc.isEmpty { out += "\n\(command.doc)\n" }
            if !command.parameters.isEmpty {
                out += "\n| parameter | type | default | doc |\n|---|---|---|---|\n"
                for p in command.parameters {
                    let name = p.label.map { "`\($0):`" } ?? "`_ \(p.name)`"
                    // GFM reads a `|` inside a table row as a cell border, even in a code span: escape it.
                    var type = "`\(p.typeDescription.replacingOccurrences(of: "|", with: "\\|"))`"
                    if !p.allowed.isEmpty { type += " (" + p.allowed.map { "`\"\($0)\"`" }.joined(separator: ", ") + ")" }
                    if let r = p.range { type += " in `\(r.text(Value.formatNumber))`" }
                    let def = p.defaultValue.map { "`\($0.plainText)`" } ?? (p.optional ? "`nil`" : "required")
                    out += "| \(name) | \(type) | \(def) | \(p.doc.replacingOccurrences(of: "|", with: "\\|")) |\n"
                }
            }
            out += "\nExample:\n\n```swift\n\(command.example)\n```\n"
            return out
        }.joined(separator: "\n")
    }

    /// All commands by group, with their selectors and summaries.
    static func commandList(_ registry: CommandRegistry) -> MimeBundle {
        var plain: [String] = []
        var markdown: [String] = []
        var html = ""
        for (group, commands) in registry.groups {
            plain.append(group.title + ":")
            markdown.append("**\(group.title)**\n")
            let width = commands.map(\.selector.count).max() ?? 0
            var rows: [[String]] = []
            for command in commands {
                plain.append("  " + command.selector + String(repeating: " ", count: width - command.selector.count) + "  " + command.summary)
                markdown.append("- `\(command.selector)`: \(command.summary)")
                rows.append([command.selector, command.summary])
            }
            plain.append("")
            markdown.append("")
            html += HTMLTable(columns: ["command", "what it does"], rows: rows, caption: group.title).html
        }
        plain.append("help(name) or ?name shows a command's signature, doc and example.")
        markdown.append("`help(name)` or `?name` shows a command's signature, doc and example.")
        var bundle = MimeBundle(plain: plain.joined(separator: "\n"), html: html)
        bundle.data["text/markdown"] = .string(markdown.joined(separator: "\n"))
        return bundle
    }

    static func indent(_ text: String, by spaces: Int = 4) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }
}
