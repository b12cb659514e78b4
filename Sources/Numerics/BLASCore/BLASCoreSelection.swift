import COpenBLAS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Makes the process run OpenBLAS's best correct kernels for this CPU (issue 12, SPEC section 8).
///
/// OpenBLAS picks its core in a library constructor, before `main`, reading `OPENBLAS_CORETYPE`
/// then and never again. Of the two ways to change it, loading OpenBLAS with `dlopen` after
/// setting the variable would turn every BLAS call into a function-pointer lookup and make the
/// library unusable by a host that links OpenBLAS itself; restarting the process (`execv` of
/// `/proc/self/exe` with the same arguments) keeps direct linking and costs a few milliseconds,
/// and only on a CPU OpenBLAS does not know. The process keeps its PID, so Jupyter's kernel
/// manager still signals the right process. The executable calls `selectBestCore()` first thing.
///
/// The variables of one start-up, passed across restarts:
/// - `OPENBLAS_CORETYPE`: the core. Set by the user, it is never overridden.
/// - `BERT_KERNEL_BLAS_CORE`: the core we set (so `OPENBLAS_CORETYPE` equal to it is ours).
/// - `BERT_KERNEL_BLAS_EXCLUDED`: cores tried and found missing or wrong (each restart adds one,
///   so the restarts end).
/// - `BERT_KERNEL_BLAS_NOTE`: why we chose, for `status`.
public enum BLASCoreSelection {
    static let coreVariable = "OPENBLAS_CORETYPE"
    static let ourCoreVariable = "BERT_KERNEL_BLAS_CORE"
    static let excludedVariable = "BERT_KERNEL_BLAS_EXCLUDED"
    static let noteVariable = "BERT_KERNEL_BLAS_NOTE"

    /// Checks the running core and restarts the process on a better or a correct one; returns
    /// when this process runs the right core (or when nothing can be changed). Messages go to
    /// stderr: the Jupyter server's log for a kernel.
    public static func selectBestCore() {
        let environment = ProcessInfo.processInfo.environment
        let running = BLASCoreStatus.runningCore
        let correct = BLASCheck.gemmAgreesWithReference()
        let requested = environment[coreVariable]
        let ours = requested != nil && requested == environment[ourCoreVariable]
        var excluded = Set((environment[excludedVariable] ?? "").split(separator: ",").map(String.init))
        // We asked for a core and OpenBLAS runs another: this build does not have it.
        if ours, let requested, requested.lowercased() != running.lowercased() { excluded.insert(requested) }

        let decision = BLASCoreChoice.decide(
            features: .current, running: running, runningIsCorrect: correct, offered: BLASCoreStatus.buildOffers,
            excluded: excluded, userChoseCore: requested != nil && !ours)
        switch decision {
        case .keep:
            if !correct {
                warn("OPENBLAS_CORETYPE=\(requested ?? "") (set by you) gives wrong sgemm results on this CPU; unset it or choose another core")
            } else if let better = BLASCoreStatus.current.betterCore {
                warn("OPENBLAS_CORETYPE=\(running) is set in this environment, so OpenBLAS runs its \(running) kernels; "
                     + "this CPU also runs \(better), which is faster here: unset OPENBLAS_CORETYPE to let bert-kernel use it")
            }
        case .noCorrectCore:
            warn("no OpenBLAS core gave correct sgemm results on this CPU (tried \(excluded.union([running]).sorted().joined(separator: ", "))); results may be wrong")
        case .restart(let core):
            let reason = correct
                ? "OpenBLAS chose its \(running) kernels, below what this CPU supports (\(CPUFeatures.current.summary)); using \(core)"
                : "OpenBLAS's \(running) kernels gave wrong sgemm results on this CPU; falling back to \(core)"
            warn(reason + " (OPENBLAS_CORETYPE=\(core))")
            if !correct { excluded.insert(running) }
            setenv(coreVariable, core, 1)
            setenv(ourCoreVariable, core, 1)
            setenv(excludedVariable, excluded.sorted().joined(separator: ","), 1)
            setenv(noteVariable, reason, 1)
            restart()
        }
    }

    /// Replaces this process by a new run of the same executable with the same arguments and the
    /// current environment. Returns only if that fails (then the process goes on as it is).
    private static func restart() {
        fflush(stdout)
        fflush(stderr)
        let argv = CommandLine.unsafeArgv
        execv("/proc/self/exe", argv)
        warn("cannot restart to change the OpenBLAS core (\(String(cString: strerror(errno)))); continuing on \(BLASCoreStatus.runningCore)")
        unsetenv(coreVariable)
    }

    /// For a process that did not call `selectBestCore()` (a program using the library): one line
    /// on stderr, once, when OpenBLAS runs below what the CPU supports.
    static let warnIfBelowBest: Void = {
        guard ProcessInfo.processInfo.environment[coreVariable] == nil else { return }
        let running = BLASCoreStatus.runningCore
        if case .restart(let core) = BLASCoreChoice.decide(
            features: .current, running: running, runningIsCorrect: true, offered: BLASCoreStatus.buildOffers,
            userChoseCore: false) {
            warn("OpenBLAS runs its \(running) kernels on a CPU that supports \(core); start this program with "
                 + "OPENBLAS_CORETYPE=\(core) for several times the speed (the bert-kernel executable does this itself)")
        }
    }()

    static func warn(_ line: String) {
        FileHandle.standardError.write(Data("bert-kernel: \(line)\n".utf8))
    }
}

/// Which OpenBLAS core this process runs, and how it came to run it: for `info()`, the kernel's
/// log and the bench.
public struct BLASCoreStatus: Sendable {
    public enum Origin: Equatable, Sendable {
        /// OpenBLAS's own detection.
        case openBLAS
        /// Chosen at start-up by `BLASCoreSelection`, with the reason.
        case bertKernel(reason: String)
        /// `OPENBLAS_CORETYPE` set by the user.
        case user
    }

    /// As `openblas_get_corename()` names it: "Haswell", "Zen", "SkylakeX", "Prescott", ...
    public var core: String
    /// `openblas_get_config()`: version and build options ("OpenBLAS 0.3.21 DYNAMIC_ARCH ...").
    public var configuration: String
    public var origin: Origin
    public var cpu: CPUFeatures

    public static var current: BLASCoreStatus {
        let environment = ProcessInfo.processInfo.environment
        let requested = environment[BLASCoreSelection.coreVariable]
        let origin: Origin
        if let requested, requested == environment[BLASCoreSelection.ourCoreVariable] {
            origin = .bertKernel(reason: environment[BLASCoreSelection.noteVariable] ?? "chosen at start-up")
        } else {
            origin = requested == nil ? .openBLAS : .user
        }
        return BLASCoreStatus(core: runningCore, configuration: String(cString: openblas_get_config()),
                              origin: origin, cpu: .current)
    }

    /// "Haswell (OpenBLAS's own choice)", "SkylakeX (chosen by bert-kernel: ...)".
    public var summary: String {
        switch origin {
        case .openBLAS: return "\(core) (OpenBLAS's own choice)"
        case .bertKernel(let reason): return "\(core) (chosen by bert-kernel: \(reason))"
        case .user:
            guard let better = betterCore else { return "\(core) (OPENBLAS_CORETYPE set by you)" }
            return "\(core) (OPENBLAS_CORETYPE set by you; this CPU also runs \(better), which bert-kernel would choose)"
        }
    }

    /// For a core the user forced: the better one this CPU and OpenBLAS build run, if any
    /// (`BLASCoreChoice.betterCore`). Nil for a core OpenBLAS or bert-kernel chose.
    public var betterCore: String? {
        guard origin == .user else { return nil }
        return BLASCoreChoice.betterCore(than: core, features: cpu, offered: BLASCoreStatus.buildOffers)
    }

    static var runningCore: String { String(cString: openblas_get_corename()) }

    /// Whether this OpenBLAS has kernels for `core`: a DYNAMIC_ARCH build exports one table per
    /// core it was built with, `gotoblas_<CORE>`; a build without DYNAMIC_ARCH exports none.
    public static func buildOffers(_ core: String) -> Bool {
        guard let handle = dlopen(nil, RTLD_NOW) else { return false }
        defer { dlclose(handle) }
        return dlsym(handle, "gotoblas_" + core.uppercased()) != nil
    }
}
