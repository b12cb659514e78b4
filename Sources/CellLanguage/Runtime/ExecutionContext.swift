import Display
import Foundation

/// What a command handler works with while its cell runs: the session, the output sink,
/// the registry (for help), pager pages, and helpers for progress displays.
public final class ExecutionContext {
    public let session: Session
    public let output: OutputSink
    public let registry: CommandRegistry
    /// Bundles for the pager (`page` payloads of the execute reply).
    public private(set) var pages: [MimeBundle] = []

    public init(session: Session, output: OutputSink, registry: CommandRegistry) {
        self.session = session
        self.output = output
        self.registry = registry
    }

    public func print(_ text: String) { output.stream(.stdout, text) }

    public func warn(_ text: String) { output.stream(.stderr, text) }

    /// Sends a `display_data` now (plots, tables shown before the cell ends).
    public func display(_ bundle: MimeBundle) { output.display(bundle, displayID: nil) }

    /// Sends a plot now: its figure as SVG and PNG, with its description (`FigureDisplay`).
    public func display(_ plot: PlotFigure) throws {
        display(try FigureDisplay.bundle(plot.figure, description: plot.description))
    }

    /// Adds a page for the pager.
    public func page(_ bundle: MimeBundle) { pages.append(bundle) }

    /// Throws `KeyboardInterrupt` when the user interrupted the cell.
    public func checkInterrupt() throws { try session.checkInterrupt() }

    /// A progress display for `total` units of work (steps, batches), updated in place.
    ///
    ///     let progress = context.progress(title: "train", total: steps, unit: "step")
    ///     for step in 1...steps {
    ///         try context.checkInterrupt()
    ///         ...
    ///         progress.update(step, samples: step * batch, metrics: [("loss", "0.4123")])
    ///     }
    ///     progress.finish(metrics: [("loss", "0.3011")])
    public func progress(title: String, total: Int, unit: String = "step") -> ProgressBar {
        ProgressBar(output: output, title: title, total: total, unit: unit)
    }
}
