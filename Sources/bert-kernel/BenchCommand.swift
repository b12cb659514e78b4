import ArgumentParser
import Bert
import Foundation
import Display

/// `bert-kernel bench [--json]`: the performance benchmark (SPEC section 8), as sections that
/// each measure one area: the kernel (startup, execute round-trip) next to ipykernel, and
/// MiniLM inference and training next to PyTorch (`ModelBenchSection`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure inference, training and the kernel against PyTorch and ipykernel.")

    @Flag(help: "Print the measurements as JSON.")
    var json = false

    @Option(help: "The Python for the companion scripts: jupyter_client and ipykernel for `kernel`, torch and transformers for the model sections (default: .venv-ref/bin/python if present, else .venv/bin/python, else python3).")
    var python: String?

    @Option(help: "Timed rounds per model shape (each: one batch of ours, then one of PyTorch's).")
    var rounds = 5

    @Option(help: "Execute round-trips to time per kernel.")
    var roundtrips = 200

    @Option(help: "The model of the inference and training sections (a name or directory, as load(model:)).")
    var model = "all-MiniLM-L6-v2"

    @Option(help: "Kernel starts to time per kernel (the median is reported).")
    var starts = 3

    @Option(help: "The texts of the `data` section: a CSV, TSV or JSONL file (default: the embedded demo dataset).")
    var data: String?

    @Option(help: "The text column of --data.")
    var text = "text"

    @Option(help: "Rows of --data to use (the first N).")
    var limit = 960

    @Option(help: "Which sections to run (comma-separated): \(BenchCommand.sections.map(\.name).joined(separator: ", ")).")
    var only: String?

    static let sections: [BenchSection] = [MachineBenchSection(), ModelBenchSection(mode: .inference), ModelBenchSection(mode: .training),
                                           ModelBenchSection(mode: .inference, batchSize: 8),
                                           ModelBenchSection(mode: .training, batchSize: 8),
                                           ModelBenchSection.bertBase(.inference), ModelBenchSection.bertBase(.training),
                                           RealDataBenchSection(), KernelBenchSection(), ExplainBenchSection()]

    func run() throws {
        let defaultPython = [".venv-ref/bin/python", ".venv/bin/python"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        } ?? "python3"
        let quiet = json
        let environment = BenchEnvironment(
            python: python ?? defaultPython, executable: InstallCommand.executablePath(), roundtrips: roundtrips,
            starts: starts, modelRounds: rounds, model: model, dataPath: data, dataText: text, dataLimit: limit,
            progress: { line in if !quiet { FileHandle.standardError.write(Data("  \(line)\n".utf8)) } })
        let wanted = only.map { Set($0.split(separator: ",").map(String.init)) }
        var report: [String: JSON] = [:]
        var failed = false
        if !json { print(environment.machine.description) }
        for section in BenchCommand.sections where wanted?.contains(section.name) ?? true {
            do {
                let measurements = try section.run(environment)
                report[section.name] = .array(measurements.map(\.json))
                if !json { print(BenchMeasurement.table(title: section.name, measurements)) }
            } catch {
                failed = true
                FileHandle.standardError.write(Data("bench \(section.name): \(error)\n".utf8))
            }
        }
        if json { print(JSON.object(report).serialized()) }
        if failed { throw ExitCode.failure }
    }
}

struct BenchEnvironment {
    var python: String
    var executable: String
    var roundtrips: Int
    var starts: Int
    var modelRounds: Int
    var model: String
    /// The `data` section's texts: a file (nil: the demo dataset), its text column, rows to use.
    var dataPath: String?
    var dataText = "text"
    var dataLimit = 960
    /// Progress lines for a person watching (stderr; silent under --json).
    var progress: (String) -> Void = { _ in }
    /// The CPU, BLAS core and sgemm peak, measured once per run and shared by the sections.
    var machine = BenchMachine()

    /// The model the sections time: `model` found as `load(model:)` finds it, with a two-label
    /// classifier (fresh where the checkpoint has none).
    func classifier() throws -> (network: BertNetwork, directory: URL) {
        let directory = try ModelLocator().locate(model)
        let (network, _) = try BertCheckpoint.load(from: directory, heads: .sequenceClassification, labels: ["a", "b"])
        return (network, directory)
    }

    /// A helper script of this package (`relative` to its root), found beside the working
    /// directory or the package the binary was built in (`.build/<config>/bert-kernel` -> root).
    static func scriptPath(_ relative: String, executable: String) -> String? {
        var candidates = [FileManager.default.currentDirectoryPath + "/" + relative]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(url.path + "/" + relative)
            url = url.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}

/// One area of the benchmark.
protocol BenchSection {
    var name: String { get }
    func run(_ environment: BenchEnvironment) throws -> [BenchMeasurement]
}

/// One number, with the reference implementation's number from the same run and the target.
struct BenchMeasurement {
    var name: String
    var unit: String
    var value: Double
    var reference: (name: String, value: Double)?
    /// The SPEC's target, as "< 150" in `unit`.
    var target: String?
    /// Throughputs: the ratio printed is ours / reference; times: reference / ours (both > 1 when we win).
    var higherIsBetter = false
    /// A line printed under the row (e.g. why the comparison was skipped).
    var note: String?
    /// More detail for `--json` (raw per-round times, shapes, FLOP counts).
    var extra: [String: JSON] = [:]

    var ratio: Double? {
        reference.map { higherIsBetter ? value / max($0.value, 1e-12) : $0.value / max(value, 1e-12) }
    }

    var json: JSON {
        var object = extra
        object["name"] = .string(name)
        object["unit"] = .string(unit)
        object["value"] = .double(value)
        if let ratio { object["ratio"] = .double(ratio) }
        if let note { object["note"] = .string(note) }
        if let reference { object["reference"] = ["name": .string(reference.name), "value": .double(reference.value)] }
        if let target { object["target"] = .string(target) }
        return .object(object)
    }

    static func table(title: String, _ rows: [BenchMeasurement]) -> String {
        func cell(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }
        func number(_ v: Double) -> String { String(format: v < 10 ? "%.3f" : "%.1f", v) }
        var lines = ["== \(title) ==",
                     cell("measure", 42) + cell("bert-kernel", 14) + cell("reference", 24) + cell("ratio", 8) + "target"]
        for row in rows {
            let reference = row.reference.map { "\(number($0.value)) (\($0.name))" } ?? "-"
            let ratio = row.ratio.map { String(format: $0 < 10 ? "%.2fx" : "%.1fx", $0) } ?? "-"
            lines.append(cell("\(row.name) [\(row.unit)]", 42) + cell(number(row.value), 14) + cell(reference, 24)
                         + cell(ratio, 8) + (row.target ?? "-"))
            if let note = row.note { lines.append("  (\(note))") }
        }
        return lines.joined(separator: "\n")
    }
}
