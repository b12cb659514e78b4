import Foundation
import Display

/// Writes the kernelspec directory (`kernel.json` and logos) the way
/// `jupyter kernelspec install DIR [--user | --prefix P | --sys-prefix] [--name N]` places it
/// (jupyter_client `kernelspec.py`, jupyter_core `paths.py`).
/// `kernelspec/kernel.json` in the repository is the template; `argv[0]` becomes this binary.
struct KernelspecInstaller {
    enum Location: Equatable {
        /// `/usr/local/share/jupyter/kernels` (jupyter's first system path).
        case system
        /// `$JUPYTER_DATA_DIR` or `~/.local/share/jupyter` (`~/Library/Jupyter` on macOS).
        case user
        /// `PREFIX/share/jupyter/kernels`, e.g. a venv.
        case prefix(String)
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// A kernel over R MPI processes (`install --mpi R`): how `mpirun` starts it.
    struct MPILaunch: Equatable {
        var processes: Int
        /// Absolute path of Open MPI's `mpirun`.
        var mpirun: String
        var hostfile: String?
        /// Adds `--allow-run-as-root`: Open MPI refuses root without it (containers, CI).
        var asRoot: Bool

        /// mpirun's options: every rank sees the environment variables below (`-x`, also on other
        /// hosts); `--bind-to none` lets the ranks' threads move between the cores they share, and
        /// `--oversubscribe` allows more ranks than a host has slots. When a rank dies, mpirun sends
        /// the others SIGCONT at once and SIGTERM `odls_base_sigkill_timeout` seconds later
        /// (default 1): 3 leaves rank 0 time to finish the step it is in, notice the loss and
        /// send the cell's error before the job ends (`MPIWorld.wait`).
        var arguments: [String] {
            var a = ["-n", String(processes)]
            if asRoot { a.append("--allow-run-as-root") }
            a += ["--oversubscribe", "--bind-to", "none", "--mca", "odls_base_sigkill_timeout", "3"]
            if let hostfile { a += ["--hostfile", hostfile] }
            for name in Self.environment.keys.sorted() { a += ["-x", name] }
            return a
        }

        /// One OpenBLAS thread per rank (R ranks share the cores; more threads would oversubscribe
        /// them); shared memory between local ranks copied through its buffers, because the
        /// kernel-assisted copy (CMA) needs ptrace rights containers often lack.
        static let environment: [String: String] = [
            "OPENBLAS_NUM_THREADS": "1",
            "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
        ]
    }

    var name: String
    var location: Location
    var executable: String
    var mpi: MPILaunch? = nil

    /// The kernelspec fields; kept equal to `kernelspec/kernel.json` (checked by tests/protocol)
    /// for a single process.
    var kernelJSON: JSON {
        let kernel: [JSON] = [.string(executable), "kernel", "--connection-file", "{connection_file}"]
        var spec: [String: JSON] = [
            "argv": .array(kernel),
            "display_name": "BERT (Swift)",
            "language": "bert",
            "interrupt_mode": "message",
            "kernel_protocol_version": "5.3",
            "metadata": ["debugger": false, "file_extension": ".bert", "codemirror_mode": "swift", "pygments_lexer": "swift"],
        ]
        if let mpi {
            spec["argv"] = .array([.string(mpi.mpirun)] + mpi.arguments.map { .string($0) } + kernel)
            spec["display_name"] = .string("BERT (Swift, \(mpi.processes) MPI processes)")
            spec["env"] = .object(MPILaunch.environment.mapValues { .string($0) })
        }
        return .object(spec)
    }

    /// Kernel names are ASCII letters, digits, `-`, `.` and `_` (jupyter_client `_is_valid_kernel_name`).
    static func validate(name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
        guard !name.isEmpty, name.allSatisfy({ allowed.contains($0) }) else {
            throw Problem(description: "invalid kernel name '\(name)': use ASCII letters, digits, '-', '.' and '_'")
        }
    }

    var kernelsDirectory: String {
        switch location {
        case .system: return "/usr/local/share/jupyter/kernels"
        case .prefix(let prefix): return (prefix as NSString).appendingPathComponent("share/jupyter/kernels")
        case .user:
            let environment = ProcessInfo.processInfo.environment
            if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty { return dir + "/kernels" }
            #if os(macOS)
            return NSHomeDirectory() + "/Library/Jupyter/kernels"
            #else
            let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.local/share"
            return data + "/jupyter/kernels"
            #endif
        }
    }

    /// Writes the kernelspec; returns its directory.
    func install() throws -> String {
        try KernelspecInstaller.validate(name: name)
        let directory = (kernelsDirectory as NSString).appendingPathComponent(name.lowercased())
        let files: [(String, Data)] = [
            ("kernel.json", Data((prettyKernelJSON() + "\n").utf8)),
            ("logo-32x32.png", Data(base64Encoded: KernelspecLogos.png32x32) ?? Data()),
            ("logo-64x64.png", Data(base64Encoded: KernelspecLogos.png64x64) ?? Data()),
        ]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (file, data) in files {
                try data.write(to: URL(fileURLWithPath: directory).appendingPathComponent(file), options: .atomic)
            }
        } catch {
            throw Problem(description: "cannot write the kernelspec into \(directory): \(error.localizedDescription)")
        }
        return directory
    }

    /// `kernel.json` indented as jupyter writes it, for people who read it.
    func prettyKernelJSON() -> String {
        let compact = kernelJSON.serializedData()
        guard let object = try? JSONSerialization.jsonObject(with: compact),
              let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return String(decoding: compact, as: UTF8.self) }
        return String(decoding: pretty, as: UTF8.self)
    }
}
