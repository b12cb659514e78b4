import Display
import JupyterKernel
import CellLanguage

/// The kernel's `Interpreter` over the cell language's `Engine`: translates outcomes into
/// protocol terms (pages become `page` payloads, `CellError` becomes the `error` triple).
final class CellInterpreter: Interpreter {
    let engine = Engine()

    static let version = "0.1.0"

    var languageInfo: JSON {
        [
            "name": "bert",
            "version": .string(CellInterpreter.version),
            "mimetype": "text/x-bert",
            "file_extension": ".bert",
            // The syntax is Swift-flavoured; Swift highlighting reads well in every front end.
            "codemirror_mode": "swift",
            "pygments_lexer": "swift",
        ]
    }

    var banner: String {
        "BERT (Swift) \(CellInterpreter.version): fine-tune and explore BERT models. Type help() for the commands."
    }

    var helpLinks: [(text: String, url: String)] {
        [("BERT (Devlin et al., 2019)", "https://arxiv.org/abs/1810.04805"),
         ("BERT in transformers", "https://huggingface.co/docs/transformers/model_doc/bert"),
         ("Jupyter messaging", "https://jupyter-client.readthedocs.io/en/stable/messaging.html")]
    }

    func execute(code: String, silent: Bool, output: OutputSink) -> ExecutionOutcome {
        outcome(of: engine.execute(code, output: output))
    }

    /// A cell's outcome in protocol terms.
    func outcome(of cell: CellOutcome) -> ExecutionOutcome {
        switch cell {
        case .success(let value, let pages):
            let payloads: [JSON] = pages.map { ["source": "page", "data": .object($0.data), "start": 0] }
            return .ok(result: value, payloads: payloads)
        case .failure(let error):
            return .error(name: error.ename, value: error.evalue, traceback: error.traceback)
        }
    }

    func complete(code: String, cursor: Int) -> Completion {
        let result = engine.complete(code, cursor: cursor)
        return Completion(matches: result.matches, cursorStart: result.start, cursorEnd: result.end)
    }

    func inspect(code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        engine.inspect(code, cursor: cursor)
    }

    func isComplete(code: String) -> Completeness {
        switch engine.isComplete(code) {
        case .complete: return .complete
        case .incomplete(let indent): return .incomplete(indent: indent)
        case .invalid: return .invalid
        }
    }

    func interrupt() { engine.interrupt() }

    func restart() { engine.reset() }
}
