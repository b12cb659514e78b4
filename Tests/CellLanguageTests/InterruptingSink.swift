import Display
@testable import CellLanguage

/// An output sink that interrupts its session at the first display, a progress bar's first
/// draw, so after the first step of `train`, `pretrain` or `lrFind`; it keeps the streamed text.
final class InterruptingSink: OutputSink {
    let session: Session
    private(set) var text = ""
    init(_ session: Session) { self.session = session }
    func stream(_ name: StreamName, _ text: String) { self.text += text }
    func display(_ bundle: MimeBundle, displayID: String?) { session.interrupt() }
    func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
    func clearOutput(wait: Bool) {}
}
