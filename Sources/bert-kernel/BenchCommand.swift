import ArgumentParser
import Foundation
import Display

/// `bert-kernel bench [--json]`: the performance benchmark (SPEC section 8), as sections that
/// each measure one area. First section: the kernel (startup, execute round-trip) next to
/// ipykernel; inference and training sections are added beside it as `BenchSection`s.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure kernel startup and round-trip (and, later, inference and training).")

    @Flag(help: "Print the measurements as JSON.")
    var json = false

    @Option(help: "The Python with jupyter_client and ipykernel (default: .venv/bin/python, else python3).")
    var python: String?

    @Option(help: "Execute round-trips to time per kernel.")
    var rounds = 200

    @Option(help: "Kernel starts to time per kernel (the median is reported).")
    var starts = 3

    @Option(help: "Which sections to run (comma-separated): \(BenchCommand.sections.map(\.name).joined(separator: ", ")).")
    var only: String?

    static let sections: [BenchSection] = [KernelBenchSection()]

    func run() throws {
        let environment = BenchEnvironment(
            python: python ?? (FileManager.default.isExecutableFile(atPath: ".venv/bin/python") ? ".venv/bin/python" : "python3"),
            executable: InstallCommand.executablePath(), rounds: rounds, starts: starts)
        let wanted = only.map { Set($0.split(separator: ",").map(String.init)) }
        var report: [String: JSON] = [:]
        var failed = false
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
    var rounds: Int
    var starts: Int
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

    var json: JSON {
        var object: [String: JSON] = ["name": .string(name), "unit": .string(unit), "value": .double(value)]
        if let reference { object["reference"] = ["name": .string(reference.name), "value": .double(reference.value)] }
        if let target { object["target"] = .string(target) }
        return .object(object)
    }

    static func table(title: String, _ rows: [BenchMeasurement]) -> String {
        func cell(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }
        func number(_ v: Double) -> String { String(format: v < 10 ? "%.3f" : "%.1f", v) }
        var lines = ["== \(title) ==",
                     cell("measure", 34) + cell("bert-kernel", 14) + cell("reference", 24) + cell("ratio", 8) + "target"]
        for row in rows {
            let reference = row.reference.map { "\(number($0.value)) (\($0.name))" } ?? "-"
            let ratio = row.reference.map { String(format: "%.1fx", $0.value / max(row.value, 1e-9)) } ?? "-"
            lines.append(cell("\(row.name) [\(row.unit)]", 34) + cell(number(row.value), 14) + cell(reference, 24)
                         + cell(ratio, 8) + (row.target ?? "-"))
        }
        return lines.joined(separator: "\n")
    }
}
