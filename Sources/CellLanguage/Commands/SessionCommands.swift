import Display

/// Looking at and emptying the session.
enum SessionCommands {
    static func all() -> [Command] {
        [
            Command(
                name: "info", group: .session,
                summary: "Shows what the session holds.",
                doc: "Lists the `let` bindings and, once loaded, the model, dataset, optimizer state and metric history, "
                    + "then the machine: the CPU, the OpenBLAS core in use (and whether bert-kernel chose it because "
                    + "OpenBLAS misdetected the CPU) and its sgemm rate, measured at the first call. "
                    + "The result carries `application/vnd.bert-kernel+json` with the same facts.",
                returns: "Info",
                example: "info()"
            ) { _, context in
                .rich(RichValue(typeName: "Info", bundle: infoBundle(context.session.info() + [MachineInfo.section])))
            },
            Command(
                name: "reset", group: .session,
                summary: "Empties the session.",
                doc: "Forgets every binding, the model, the dataset, the optimizer state and the history, as a kernel restart would.",
                example: "reset()"
            ) { _, context in
                context.session.reset()
                context.print("The session is empty.\n")
                return nil
            },
        ]
    }

    static func infoBundle(_ sections: [InfoSection]) -> MimeBundle {
        var plain: [String] = []
        var html = ""
        var json: [String: JSON] = [:]
        for section in sections {
            plain.append(section.title + ":")
            if section.rows.isEmpty { plain.append("  (none)") }
            let width = section.rows.map(\.key.count).max() ?? 0
            for row in section.rows {
                plain.append("  " + row.key + String(repeating: " ", count: width - row.key.count) + "  " + row.value)
            }
            html += HTMLTable(columns: ["name", "value"], rows: section.rows.map { [$0.key, $0.value] }, caption: section.title,
                              rightAligned: []).html
            json[section.title.lowercased()] = section.json
        }
        return MimeBundle(plain: plain.joined(separator: "\n"), html: html, json: .object(json))
    }
}
