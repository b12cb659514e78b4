/// Which of OpenBLAS's kernel sets ("cores") a process should run, as a pure function of the
/// processor's features and what OpenBLAS did by itself (issue 12).
///
/// Why this exists: a DYNAMIC_ARCH OpenBLAS (Debian's) picks its kernels when it loads, from a
/// table of the CPU models it knew when it was released. A newer CPU it does not recognise gets
/// the Prescott (SSE3) kernels: a 2023 Xeon with AVX-512 ran sgemm at 62 GFLOP/s instead of 300.
/// `OPENBLAS_CORETYPE` forces a core, but OpenBLAS reads it only at load time, so the choice made
/// here is carried out by `BLASCoreSelection`, which restarts the process with it set.
public enum BLASCoreChoice {
    /// The instruction-set level a core's kernels need; higher is faster on a CPU that has it.
    public enum Tier: Int, Comparable, Sendable {
        case sse3 = 0, sse4, avx, avx2, avx512, avx512bf16, amx
        public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }
    }

    /// The tier of a core named as `openblas_get_corename()` names it (case-insensitive), from
    /// OpenBLAS's driver/others/dynamic.c and the kernels each core's KERNEL file selects. nil for
    /// a name this table does not know (then nothing is changed).
    public static func tier(ofCore name: String) -> Tier? {
        switch name.lowercased() {
        case "katmai", "coppermine", "northwood", "prescott", "banias", "athlon", "opteron", "opteron(sse3)",
             "opteron_sse3", "unknown":
            return .sse3
        case "atom", "core2", "penryn", "dunnington", "nehalem", "barcelona", "nano", "bobcat":
            return .sse4
        case "sandybridge", "bulldozer", "piledriver", "steamroller":
            return .avx
        case "haswell", "zen", "excavator":
            return .avx2
        case "skylakex":
            return .avx512
        case "cooperlake":
            return .avx512bf16
        case "sapphirerapids":
            return .amx
        default:
            return nil
        }
    }

    /// The cores worth running on a CPU with `features`, best first, each one that CPU executes.
    /// OpenBLAS names: `OPENBLAS_CORETYPE` takes them in any case. AMD processors get Zen before
    /// Haswell at the AVX2 tier (the same kernels, with blocking sizes tuned for Zen's caches).
    public static func candidates(for features: CPUFeatures) -> [String] {
        guard features.has(.sse3) else { return [] }  // not x86-64, or cpuid unreadable
        var cores: [String] = []
        if features.hasAVX512 {
            if features.has(.avx512_bf16) { cores.append("Cooperlake") }
            cores.append("SkylakeX")
        }
        if features.hasAVX2FMA {
            if features.vendor == "AuthenticAMD" || features.vendor == "HygonGenuine" { cores.append("Zen") }
            cores.append("Haswell")
        }
        if features.has(.avx) { cores.append("Sandybridge") }
        if features.has(.sse4_2) { cores.append("Nehalem") }
        if features.has(.ssse3) { cores.append("Core2") }
        cores.append("Prescott")
        return cores
    }

    public enum Decision: Equatable, Sendable {
        /// The running core is the right one (or is not ours to change).
        case keep
        /// Start again with `OPENBLAS_CORETYPE` set to this core.
        case restart(core: String)
        /// The running core computes wrong results and no other core is left to try.
        case noCorrectCore
    }

    /// - Parameters:
    ///   - running: the core OpenBLAS runs (`openblas_get_corename()`).
    ///   - runningIsCorrect: whether it passed the start-up GEMM check.
    ///   - offered: whether this OpenBLAS build has a core of that name (a build without
    ///     DYNAMIC_ARCH has none to switch to).
    ///   - excluded: cores already tried in this start-up that were missing or failed the check.
    ///   - userChoseCore: `OPENBLAS_CORETYPE` was set by the user, not by us: never overridden.
    public static func decide(features: CPUFeatures, running: String, runningIsCorrect: Bool,
                              offered: (String) -> Bool, excluded: Set<String> = [],
                              userChoseCore: Bool) -> Decision {
        if userChoseCore { return .keep }
        var ruledOut = Set(excluded.map { $0.lowercased() })
        if !runningIsCorrect { ruledOut.insert(running.lowercased()) }
        let usable = candidates(for: features).filter { offered($0) && !ruledOut.contains($0.lowercased()) }
        guard let best = usable.first else { return runningIsCorrect ? .keep : .noCorrectCore }
        if !runningIsCorrect { return .restart(core: best) }
        return isBelow(running, best) ? .restart(core: best) : .keep
    }

    /// The core bert-kernel would run instead of `pinned`, a correct core the user forced with
    /// `OPENBLAS_CORETYPE`, when `pinned` is of a lower tier than the best this CPU and build run;
    /// nil otherwise. Never acted on (the user's setting stands): `info()`, `blas`, the bench and
    /// the start-up line say it, because a pinned Haswell on an AVX-512 CPU runs at half the speed.
    public static func betterCore(than pinned: String, features: CPUFeatures, offered: (String) -> Bool) -> String? {
        guard let best = candidates(for: features).first(where: offered), isBelow(pinned, best) else { return nil }
        return best
    }

    /// A core this table does not know is never below: it may be newer than the table.
    private static func isBelow(_ core: String, _ other: String) -> Bool {
        guard let coreTier = tier(ofCore: core), let otherTier = tier(ofCore: other) else { return false }
        return coreTier < otherTier
    }

    /// The cores the test suite runs under (issue 12, `make test`): the one in use, Haswell (the
    /// AVX2 kernels most machines in the wild run) and Prescott (what a CPU OpenBLAS misdetects
    /// gets), each only if this CPU executes it and this OpenBLAS offers it. A test whose
    /// tolerance holds on one core's rounding only fails here, not on a stranger's machine.
    public static func coresToTest(running: String, features: CPUFeatures, offered: (String) -> Bool) -> [String] {
        let runnable = Set(candidates(for: features).filter(offered).map { $0.lowercased() })
        var cores = [running]
        for core in ["Haswell", "Prescott"] where runnable.contains(core.lowercased())
            && !cores.contains(where: { $0.lowercased() == core.lowercased() }) {
            cores.append(core)
        }
        return cores
    }
}
