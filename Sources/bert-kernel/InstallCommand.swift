import ArgumentParser
import Foundation

/// `bert-kernel install [--user | --prefix DIR | --sys-prefix] [--name bert]`.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the kernelspec (kernel.json pointing at this binary, and logos) for Jupyter.",
        discussion: "Without a location option the kernelspec goes to /usr/local/share/jupyter/kernels, like `jupyter kernelspec install`.")

    @Flag(help: "Install for the current user (the Jupyter data directory).")
    var user = false

    @Option(help: "Install under PREFIX/share/jupyter/kernels (e.g. a virtual environment).")
    var prefix: String?

    @Flag(name: .customLong("sys-prefix"), help: "Install into the active Python environment ($VIRTUAL_ENV or $CONDA_PREFIX).")
    var sysPrefix = false

    @Option(help: "The kernel name front ends select (--kernel NAME).")
    var name = "bert"

    func validate() throws {
        if [user, prefix != nil, sysPrefix].filter({ $0 }).count > 1 {
            throw ValidationError("choose at most one of --user, --prefix and --sys-prefix")
        }
    }

    func run() throws {
        let location: KernelspecInstaller.Location
        if user {
            location = .user
        } else if let prefix {
            location = .prefix(absolute(prefix))
        } else if sysPrefix {
            let environment = ProcessInfo.processInfo.environment
            guard let active = environment["VIRTUAL_ENV"] ?? environment["CONDA_PREFIX"] else {
                throw ValidationError("--sys-prefix needs an active Python environment ($VIRTUAL_ENV or $CONDA_PREFIX); use --prefix DIR")
            }
            location = .prefix(active)
        } else {
            location = .system
        }
        let installer = KernelspecInstaller(name: name, location: location, executable: InstallCommand.executablePath())
        do {
            let directory = try installer.install()
            print("Installed kernelspec \(name.lowercased()) in \(directory)")
        } catch {
            FileHandle.standardError.write(Data("bert-kernel install: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }

    /// This binary's absolute path, symlinks resolved, so the kernelspec works from any directory.
    static func executablePath() -> String {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        #endif
        let argument0 = CommandLine.arguments[0]
        let url = URL(fileURLWithPath: argument0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.resolvingSymlinksInPath().path
    }
}
