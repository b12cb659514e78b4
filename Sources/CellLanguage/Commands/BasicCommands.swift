import Display

/// Output, help, waiting and clearing: the commands every cell may use.
enum BasicCommands {
    /// `print` and `warn`, which differ only in the stream: the value as it displays, then `terminator`.
    static func writing(_ name: String, summary: String, doc: String, example: String,
                        to write: @escaping (ExecutionContext, String) -> Void) -> Command {
        Command(
            name: name, group: .basics, summary: summary, doc: doc,
            parameters: [
                Parameter(positional: "value", .any, doc: "what to write"),
                Parameter("terminator", .string, default: .string("\n"), doc: "written after the value"),
            ],
            example: example
        ) { args, context in
            write(context, try args.value("value").description + (try args.string("terminator")))
            return nil
        }
    }

    static func all() -> [Command] {
        [
            writing("print", summary: "Writes a value to standard output.",
                    doc: "Strings are written as they are, other values as they display (`[1, 2]`), followed by `terminator`.",
                    example: "print(\"hello, world\")") { $0.print($1) },
            writing("warn", summary: "Writes a value to standard error.",
                    doc: "Like `print`, on the error stream (shown in red by most front ends).",
                    example: "warn(\"careful: the validation split is tiny\")") { $0.warn($1) },
            Command(
                name: "display", group: .basics,
                summary: "Shows a value now, as a separate output.",
                doc: "Sends the value's rich display (tables, plots) immediately instead of as the cell's result.",
                parameters: [Parameter(positional: "value", .any, doc: "what to show")],
                example: "display([1, 2, 3])"
            ) { args, context in
                context.display(try args.value("value").mimeBundle)
                return nil
            },
            Command(
                name: "help", group: .basics,
                summary: "Lists the commands, or shows one command's signature, doc and example.",
                doc: "`help()` lists every command by group. `help(train)` (or `help(\"train\")`) shows that command; "
                    + "`?train` shows the same in the pager.",
                parameters: [Parameter(positional: "command", .command, optional: true, doc: "the command to explain")],
                returns: "Help",
                example: "help(sleep)"
            ) { args, context in
                guard case .command(let name)? = args["command"] else {
                    return .rich(RichValue(typeName: "Help", bundle: Help.commandList(context.registry)))
                }
                guard context.registry.contains(name),
                      let bundle = Help.bundle(for: name, registry: context.registry, session: context.session)
                else {
                    throw SessionError(.name, "no command '\(name)'" + Suggestions.didYouMean(name, in: context.registry.names), argument: "command")
                }
                return .rich(RichValue(typeName: "Help", bundle: bundle))
            },
            Command(
                name: "sleep", group: .basics,
                summary: "Waits, interruptibly.",
                doc: "Waits `seconds`. Interrupting the kernel stops the wait at once with `KeyboardInterrupt`.",
                parameters: [Parameter("seconds", .double, range: 0...86_400, doc: "how long to wait")],
                example: "sleep(seconds: 2)"
            ) { args, context in
                try context.session.sleep(seconds: try args.double("seconds"))
                return nil
            },
            Command(
                name: "clear", group: .basics,
                summary: "Clears the cell's output.",
                doc: "With `wait: true` the output is cleared only when the next output arrives, which avoids flicker in loops.",
                parameters: [Parameter("wait", .bool, default: .bool(false), doc: "clear when the next output arrives")],
                example: "clear()"
            ) { args, context in
                context.output.clearOutput(wait: try args.bool("wait"))
                return nil
            },
        ]
    }
}
