import Foundation
import Display

/// Kernel startup to the first `kernel_info_reply`, and the median execute round-trip of
/// `print("x")`, for this kernel and for ipykernel in the same run, measured by
/// `scripts/bench/kernel_roundtrip.py` with jupyter_client (the client every front end uses).
struct KernelBenchSection: BenchSection {
    let name = "kernel"

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static func canImport(_ modules: String, python: String) -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = [python, "-c", "import \(modules)"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    func run(_ environment: BenchEnvironment) throws -> [BenchMeasurement] {
        guard let script = BenchEnvironment.scriptPath("scripts/bench/kernel_roundtrip.py", executable: environment.executable) else {
            throw Problem(description: "cannot find scripts/bench/kernel_roundtrip.py; run from the package root")
        }
        // --python may name a torch venv without jupyter_client (the model sections' companion);
        // then the project venv runs this script.
        let virtualEnv = ProcessInfo.processInfo.environment["VIRTUAL_ENV"].map { [$0 + "/bin/python"] } ?? []
        let python = ([environment.python] + virtualEnv + [".venv/bin/python", "python3"]).first {
            Self.canImport("jupyter_client, ipykernel", python: $0)
        } ?? environment.python
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--bert-binary", environment.executable,
                             "--rounds", String(environment.roundtrips), "--starts", String(environment.starts)]
        let stdout = Pipe()
        process.standardOutput = stdout
        // ipykernel warns on stderr on every start; keep it for the failure message only.
        let stderrPath = NSTemporaryDirectory() + "bert-kernel-bench-\(ProcessInfo.processInfo.processIdentifier).log"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: stderrPath) }
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        do { try process.run() } catch {
            throw Problem(description: "cannot start \(python): \(error)")
        }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw Problem(description: "\(script) failed with status \(process.terminationStatus) (needs jupyter_client and ipykernel; pass --python):\n\(log.suffix(2000))")
        }
        let result: JSON
        do { result = try JSON.parse(data) } catch {
            throw Problem(description: "\(script) printed no JSON: \(error)")
        }
        func value(_ kernel: String, _ key: String) throws -> Double {
            guard let v = result[kernel]?[key]?.doubleValue else {
                throw Problem(description: "\(script) output lacks \(kernel).\(key)")
            }
            return v
        }
        return [
            BenchMeasurement(name: "startup to kernel_info_reply", unit: "ms", value: try value("bert", "startup_ms"),
                             reference: ("ipykernel", try value("ipykernel", "startup_ms")), target: "< 150"),
            BenchMeasurement(name: "execute round-trip (median)", unit: "ms", value: try value("bert", "roundtrip_ms"),
                             reference: ("ipykernel", try value("ipykernel", "roundtrip_ms")), target: "< 1"),
            BenchMeasurement(name: "execute to reply (median)", unit: "ms", value: try value("bert", "reply_ms"),
                             reference: ("ipykernel", try value("ipykernel", "reply_ms")), target: nil),
        ]
    }
}
