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

    var name: String
    var location: Location
    var executable: String

    /// The kernelspec fields; kept equal to `kernelspec/kernel.json` (checked by tests/protocol).
    var kernelJSON: JSON {
        [
            "argv": [.string(executable), "kernel", "--connection-file", "{connection_file}"],
            "display_name": "BERT (Swift)",
            "language": "bert",
            "interrupt_mode": "message",
            "kernel_protocol_version": "5.3",
            "metadata": ["debugger": false, "file_extension": ".bert", "codemirror_mode": "swift", "pygments_lexer": "swift"],
        ]
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
