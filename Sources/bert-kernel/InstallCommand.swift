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

    @Option(help: "Run the kernel on N MPI processes under mpirun (data-parallel training; rank 0 speaks to Jupyter).")
    var mpi: Int?

    @Option(help: "With --mpi: Open MPI's hostfile (the hosts and slots the ranks run on).")
    var hostfile: String?

    @Option(help: "With --mpi: the mpirun to start the kernel with (default: mpirun on PATH).")
    var mpirun: String?

    func validate() throws {
        if [user, prefix != nil, sysPrefix].filter({ $0 }).count > 1 {
            throw ValidationError("choose at most one of --user, --prefix and --sys-prefix")
        }
        if let mpi, mpi < 1 { throw ValidationError("--mpi needs a number of processes of at least 1 (got \(mpi))") }
        if mpi == nil, hostfile != nil || mpirun != nil {
            throw ValidationError("--hostfile and --mpirun go with --mpi N")
        }
    }

    /// The launch of `--mpi N`: mpirun's absolute path (given, or found on PATH) and the hostfile's.
    private func mpiLaunch() throws -> KernelspecInstaller.MPILaunch? {
        guard let mpi else { return nil }
        let launcher: String
        if let mpirun {
            launcher = absolute(mpirun)
        } else {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            guard let found = path.split(separator: ":").map({ "\($0)/mpirun" })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw ValidationError("--mpi needs Open MPI's mpirun, which is not on PATH: install openmpi-bin or pass --mpirun PATH")
            }
            launcher = found
        }
        guard FileManager.default.isExecutableFile(atPath: launcher) else {
            throw ValidationError("--mpirun \(launcher) is not an executable file")
        }
        if let hostfile, !FileManager.default.fileExists(atPath: absolute(hostfile)) {
            throw ValidationError("--hostfile \(absolute(hostfile)) does not exist")
        }
        return .init(processes: mpi, mpirun: launcher, hostfile: hostfile.map(absolute), asRoot: getuid() == 0)
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
        let installer = KernelspecInstaller(name: name, location: location, executable: InstallCommand.executablePath(),
                                            mpi: try mpiLaunch())
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
