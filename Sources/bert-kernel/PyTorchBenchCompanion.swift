import Foundation
import Display

/// The PyTorch side of the model sections: `scripts/reference/bench_pytorch.py --serve` as a
/// child process that loads the same checkpoint once and then runs one timed batch per request,
/// so that `ModelBenchSection` can alternate our batch and PyTorch's round by round (on a shared,
/// noisy machine only ratios measured back to back mean anything).
final class PyTorchBenchCompanion {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var torchVersion = "?"
    /// torch's intra-op threads and its BLAS, as the child reports them.
    private(set) var threads = 0
    private(set) var blas = "?"
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var buffered = Data()
    /// Peak resident set of the child, kilobytes (ru_maxrss of its last answer).
    private(set) var maxResidentKilobytes: Double = 0

    /// Starts the companion, or throws `Unavailable` saying why the comparison cannot run (no
    /// script, python missing, torch not importable, the model failed to load).
    /// - randomWeights: build the model from `modelDirectory`'s config.json with random weights.
    init(python: String, executable: String, modelDirectory: URL, mode: String, batchSize: Int, threads: Int = 2,
         randomWeights: Bool = false) throws {
        guard let script = BenchEnvironment.scriptPath("scripts/reference/bench_pytorch.py", executable: executable) else {
            throw Unavailable(description: "cannot find scripts/reference/bench_pytorch.py (run from the package root)")
        }
        guard KernelBenchSection.canImport("torch, transformers", python: python) else {
            throw Unavailable(description: "\(python) cannot import torch and transformers (pass --python with a venv that has them)")
        }
        // A child that dies must surface as a thrown error from write(contentsOf:), not kill us.
        signal(SIGPIPE, SIG_IGN)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--serve", "--mode", mode, "--model", modelDirectory.path,
                             "--threads", String(threads), "--batch", String(batchSize)] + (randomWeights ? ["--random-weights"] : [])
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_NUM_THREADS"] = String(threads)
        environment["TRANSFORMERS_VERBOSITY"] = "error"
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        do { try process.run() } catch {
            throw Unavailable(description: "cannot start \(python): \(error)")
        }
        guard let ready = try? readJSON(), ready["ready"]?.boolValue == true else {
            process.terminate()
            process.waitUntilExit()
            throw Unavailable(description: "\(script) did not start (does \(python) have torch and transformers?)")
        }
        torchVersion = ready["torch"]?.stringValue ?? "?"
        self.threads = ready["threads"]?.intValue ?? threads
        blas = ready["blas"]?.stringValue ?? "?"
    }

    deinit { stop() }

    /// Seconds of one batch at sequence length `T`, timed inside the child: the companion's batch
    /// of full rows, or with `lengths` one row per length, padded to `T` and masked after it.
    func time(sequenceLength T: Int, lengths: [Int] = []) throws -> Double {
        let request = ([T] + lengths).map(String.init).joined(separator: " ")
        do { try input.write(contentsOf: Data("\(request)\n".utf8)) } catch {
            throw Unavailable(description: "bench_pytorch.py is gone: \(error)")
        }
        let answer = try readJSON()
        guard let seconds = answer["seconds"]?.doubleValue else {
            throw Unavailable(description: "bench_pytorch.py answered without seconds")
        }
        if let rss = answer["max_rss_kb"]?.doubleValue { maxResidentKilobytes = rss }
        return seconds
    }

    func stop() {
        guard process.isRunning else { return }
        try? input.write(contentsOf: Data("\n".utf8))
        try? input.close()
        process.waitUntilExit()
    }

    /// The next line of the child's stdout, as JSON (torch may print other lines first).
    private func readJSON() throws -> JSON {
        while true {
            while let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffered[buffered.startIndex..<newline]
                buffered = Data(buffered[(newline + 1)...])
                if line.first == UInt8(ascii: "{"), let json = try? JSON.parse(Data(line)) { return json }
            }
            let chunk = output.availableData
            if chunk.isEmpty { throw Unavailable(description: "bench_pytorch.py exited early") }
            buffered.append(chunk)
        }
    }
}
