import CellLanguage
import Display
import ExactJSON
import Foundation

/// Runs a `.bert` script or the code cells of an `.ipynb` in one `Engine`, headlessly
/// (`bert-kernel run FILE`).
///
/// A `.bert` file is one cell, or several when separated by lines `// %%` (as in Jupytext's
/// percent format). Each cell's output goes to `output`; its result's `text/plain` is written
/// to stdout; the first error writes its traceback to stderr and stops the run.
public enum ScriptRunner {
    /// Exit code: 0 when every cell ran, 1 on the first failing cell, 2 when the file cannot
    /// be read or parsed as a notebook.
    /// - afterCell: given each cell's failure (nil when it ran), the failure to stop on (nil to go
    ///   on); under mpirun the ranks agree here (`bert-kernel run`), else it is the identity
    public static func run(file: String, output: OutputSink,
                           afterCell: (CellError?) -> CellError? = { $0 }) -> Int32 {
        let cells: [String]
        do {
            cells = try self.cells(of: file)
        } catch {
            output.stream(.stderr, "\(error)\n")
            return 2
        }
        let engine = Engine()
        for (number, cell) in cells.enumerated() {
            var failure: CellError?
            switch engine.execute(cell, output: output) {
            case .success(let value, let pages):
                for page in pages { output.stream(.stdout, (page.plainText ?? "") + "\n") }
                if let text = value?.plainText { output.stream(.stdout, text + "\n") }
            case .failure(let error):
                failure = error
            }
            if let error = afterCell(failure) {
                let place = cells.count > 1 ? "in cell \(number + 1) of \(file)" : "in \(file)"
                output.stream(.stderr, "Error \(place):\n" + error.traceback.joined(separator: "\n") + "\n")
                return 1
            }
        }
        return 0
    }

    /// The cells of a `.bert` script (split at `// %%` lines) or of an `.ipynb` (code cells only).
    public static func cells(of file: String) throws -> [String] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw SessionError(.file, "cannot read \(file): \(FileManager.default.fileExists(atPath: file) ? "permission denied or not a file" : "no such file")")
        }
        if file.lowercased().hasSuffix(".ipynb") { return try notebookCells(data, file: file) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SessionError(.format, "\(file) is not UTF-8 text")
        }
        return scriptCells(text)
    }

    static func scriptCells(_ text: String) -> [String] {
        var cells: [[Substring]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("// %%") {
                cells.append([])
            } else {
                cells[cells.count - 1].append(line)
            }
        }
        return cells.map { $0.joined(separator: "\n") }
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }

    /// The code cells of an nbformat 4 notebook, read with the one JSON reader for files
    /// (ExactJSON), so a malformed notebook is reported with its line and column.
    static func notebookCells(_ data: Data, file: String) throws -> [String] {
        let notebook: OrderedJSON
        do {
            notebook = try OrderedJSON.parse(Array(data), allowByteOrderMark: true)
        } catch {
            throw SessionError(.format, "\(file) is not a notebook: \(error)")
        }
        guard let cells = notebook["cells"]?.elements else {
            throw SessionError(.format, "\(file) is not a notebook: no \"cells\" list")
        }
        return try cells.enumerated().compactMap { index, cell in
            guard cell["cell_type"]?.stringValue == "code" else { return nil }
            if let text = cell["source"]?.stringValue { return text }
            if let lines = cell["source"]?.elements {
                return try lines.map {
                    guard let s = $0.stringValue else { throw SessionError(.format, "\(file): cell \(index + 1) has a source line that is not a string") }
                    return s
                }.joined()
            }
            throw SessionError(.format, "\(file): cell \(index + 1) has no source")
        }
    }
}
