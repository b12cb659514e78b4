import Foundation

/// The inputs a user or a peer can hand the kernel, each as one function from bytes to "accepted"
/// or "rejected with a thrown error". Anything else — a trap, a crash, a hang, a broken invariant
/// (`precondition` below) — is a finding. `bert-fuzz` runs these under libFuzzer
/// (`make fuzz`, `make fuzz-smoke`) and replays files through them; `FuzzTargetsTests` replays
/// the committed corpus (`Tests/FuzzTargetsTests/Corpus/<target>/`) in `swift test`.
///
///     FuzzTarget.cell.run(Array("load(model: \"x\"".utf8))   // .rejected (unclosed call)
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The Jupyter wire codec (`WireCodec.decode`): frames split at 0xFF bytes (never in UTF-8
    /// JSON), decoded with signing off and, re-signed, with signing on.
    case wire
    /// The cell lexer and parser, `is_complete`, completion and inspection at a cursor.
    case cell
    /// A safetensors file: header validation, then every tensor read.
    case safetensors
    /// A `pytorch_model.bin`: zip archive, restricted unpickler, every float tensor read.
    case pytorch
    /// CSV and TSV: `DelimitedTextParser`, then `TextDataset.load` on the file.
    case csv
    /// JSON Lines: `JSONLinesParser`, then `TextDataset.load` on the file.
    case jsonl
    /// `config.json`: `BertConfig(jsonData:)`.
    case config

    public enum Outcome: Equatable, Sendable {
        case accepted
        /// Refused with a thrown error of the kind the kernel reports to the user.
        case rejected(String)
    }

    /// Runs one input. Traps (a finding) when an invariant breaks or an error of an unexpected type
    /// escapes.
    public func run(_ input: [UInt8]) -> Outcome {
        switch self {
        case .wire: return WireFuzzing.run(input)
        case .cell: return CellFuzzing.run(input)
        case .safetensors: return SafetensorsFuzzing.run(input)
        case .pytorch: return PyTorchFuzzing.run(input)
        case .csv: return DatasetFuzzing.run(input, format: .csv)
        case .jsonl: return DatasetFuzzing.run(input, format: .jsonl)
        case .config: return ConfigFuzzing.run(input)
        }
    }
}

/// A scratch file per process for the targets whose API reads a path (safetensors, datasets).
enum ScratchFile {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bert-fuzz-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Removed when the process exits normally (libFuzzer's time limit ends with exit()); a
        // crashing run leaves it, beside the crash input, for the post-mortem.
        atexit { try? FileManager.default.removeItem(at: ScratchFile.directory) }
        return url
    }()

    /// Writes `bytes` to `name` in the scratch directory and returns its URL.
    static func write(_ bytes: [UInt8], name: String) -> URL {
        let url = directory.appendingPathComponent(name)
        do {
            try Data(bytes).write(to: url)
        } catch {
            preconditionFailure("cannot write the scratch file \(url.path): \(error)")  // the machine, not the input
        }
        return url
    }
}

/// The outcome of a throwing call whose errors must be of type `E`.
func outcome<E: Error>(expecting _: E.Type, _ body: () throws -> Void) -> FuzzTarget.Outcome {
    do {
        try body()
        return .accepted
    } catch let error as E {
        return .rejected(String(describing: error))
    } catch {
        preconditionFailure("an error of type \(type(of: error)) escaped, expected \(E.self): \(error)")
    }
}

/// The outcome of a throwing call whose errors must be of type `E` or `F`.
func outcome<E: Error, F: Error>(expecting _: E.Type, or _: F.Type, _ body: () throws -> Void) -> FuzzTarget.Outcome {
    do {
        try body()
        return .accepted
    } catch let error as E {
        return .rejected(String(describing: error))
    } catch let error as F {
        return .rejected(String(describing: error))
    } catch {
        preconditionFailure("an error of type \(type(of: error)) escaped, expected \(E.self) or \(F.self): \(error)")
    }
}
