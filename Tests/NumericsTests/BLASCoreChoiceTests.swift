import XCTest
@testable import Numerics

/// The choice of OpenBLAS core from a feature set (issue 12): a pure function, checked on the
/// processors it must get right, the misdetected Xeon of the issue first.
final class BLASCoreChoiceTests: XCTestCase {
    private static let avx2: Set<CPUFeatures.Flag> = [.sse3, .ssse3, .sse4_1, .sse4_2, .avx, .fma, .avx2]
    private static let avx512 = avx2.union([.avx512f, .avx512bw, .avx512dq, .avx512vl, .avx512cd, .avx512_vnni])
    /// Intel family 6 model 207 (Emerald Rapids): AVX-512 with BF16 and VNNI; OpenBLAS 0.3.21 ran Prescott.
    private let xeon = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 207,
                                   flags: avx512.union([.avx512_bf16, .avx_vnni]))
    private let skylakeServer = CPUFeatures(vendor: "GenuineIntel", family: 6, model: 85, flags: avx512)
    /// AMD family 25 (Zen 3): AVX2 and FMA, no AVX-512.
    private let epyc = CPUFeatures(vendor: "AuthenticAMD", family: 25, model: 1, flags: avx2)
    private let everyCore: (String) -> Bool = { _ in true }

    private func decide(_ cpu: CPUFeatures, running: String, correct: Bool = true, offered: ((String) -> Bool)? = nil,
                        excluded: Set<String> = [], user: Bool = false) -> BLASCoreChoice.Decision {
        BLASCoreChoice.decide(features: cpu, running: running, runningIsCorrect: correct, offered: offered ?? everyCore,
                              excluded: excluded, userChoseCore: user)
    }

    func testCandidatesAreBestFirstAndOnlyWhatTheCPURuns() {
        XCTAssertEqual(BLASCoreChoice.candidates(for: xeon),
                       ["Cooperlake", "SkylakeX", "Haswell", "Sandybridge", "Nehalem", "Core2", "Prescott"])
        XCTAssertEqual(BLASCoreChoice.candidates(for: skylakeServer).first, "SkylakeX")
        XCTAssertEqual(BLASCoreChoice.candidates(for: epyc), ["Zen", "Haswell", "Sandybridge", "Nehalem", "Core2", "Prescott"])
        let sse3Only = CPUFeatures(vendor: "GenuineIntel", flags: [.sse3])
        XCTAssertEqual(BLASCoreChoice.candidates(for: sse3Only), ["Prescott"])
        XCTAssertEqual(BLASCoreChoice.candidates(for: CPUFeatures(vendor: "", flags: [])), [], "not x86-64: nothing to force")
    }

    func testAVX512WithoutTheOperatingSystemsSupportIsNotAVX512() {
        // CPUFeatures.current drops AVX-512 flags when XCR0 lacks the ZMM state; a feature set
        // with only some AVX-512 subsets must not get SkylakeX either.
        let partial = CPUFeatures(vendor: "GenuineIntel", flags: Self.avx2.union([.avx512f]))
        XCTAssertEqual(BLASCoreChoice.candidates(for: partial).first, "Haswell")
    }

    func testAMisdetectedXeonRestartsOnItsBestCore() {
        XCTAssertEqual(decide(xeon, running: "Prescott"), .restart(core: "Cooperlake"))
        XCTAssertEqual(decide(skylakeServer, running: "Haswell"), .restart(core: "SkylakeX"))
        XCTAssertEqual(decide(epyc, running: "Prescott"), .restart(core: "Zen"))
    }

    func testARightChoiceIsKept() {
        XCTAssertEqual(decide(epyc, running: "Zen"), .keep)
        XCTAssertEqual(decide(epyc, running: "Haswell"), .keep, "Haswell and Zen are the same tier")
        XCTAssertEqual(decide(xeon, running: "Cooperlake"), .keep)
        XCTAssertEqual(decide(xeon, running: "SapphireRapids"), .keep, "a core above our best is never lowered")
        XCTAssertEqual(decide(xeon, running: "SomeFutureCore"), .keep, "an unknown core is left alone")
    }

    func testTheUsersSettingIsNeverOverridden() {
        XCTAssertEqual(decide(xeon, running: "Prescott", user: true), .keep)
        XCTAssertEqual(decide(xeon, running: "Prescott", correct: false, user: true), .keep)
    }

    func testAPinnedCoreBelowTheBestIsNamedNotChanged() {
        // This project's CI machines (AMD family 26, AVX-512 with BF16) come with
        // OPENBLAS_CORETYPE=Haswell set: sgemm at 195 GFLOP/s where Cooperlake reaches 400.
        let zen5 = CPUFeatures(vendor: "AuthenticAMD", family: 26, model: 2, flags: Self.avx512.union([.avx512_bf16]))
        XCTAssertEqual(decide(zen5, running: "Haswell", user: true), .keep)
        XCTAssertEqual(BLASCoreChoice.betterCore(than: "Haswell", features: zen5, offered: everyCore), "Cooperlake")
        XCTAssertEqual(BLASCoreChoice.betterCore(than: "Haswell", features: zen5, offered: { $0 != "Cooperlake" }), "SkylakeX")
        XCTAssertNil(BLASCoreChoice.betterCore(than: "Cooperlake", features: zen5, offered: everyCore))
        XCTAssertNil(BLASCoreChoice.betterCore(than: "Zen", features: epyc, offered: everyCore), "Haswell's tier: nothing better")
        XCTAssertNil(BLASCoreChoice.betterCore(than: "SomeFutureCore", features: zen5, offered: everyCore))
        XCTAssertNil(BLASCoreChoice.betterCore(than: "Prescott", features: xeon, offered: { _ in false }), "no DYNAMIC_ARCH")
    }

    func testOnlyCoresTheBuildOffersAreChosen() {
        let noCooperlake: (String) -> Bool = { $0 != "Cooperlake" }
        XCTAssertEqual(decide(xeon, running: "Prescott", offered: noCooperlake), .restart(core: "SkylakeX"))
        XCTAssertEqual(decide(xeon, running: "Prescott", offered: { _ in false }), .keep, "no DYNAMIC_ARCH: nothing to switch to")
        // OpenBLAS ignored a requested core (not in this build): it is excluded and the next one tried.
        XCTAssertEqual(decide(xeon, running: "Prescott", excluded: ["Cooperlake"]), .restart(core: "SkylakeX"))
    }

    func testAWrongCoreFallsBackDownTheLadder() {
        XCTAssertEqual(decide(xeon, running: "Cooperlake", correct: false), .restart(core: "SkylakeX"))
        XCTAssertEqual(decide(xeon, running: "SkylakeX", correct: false, excluded: ["Cooperlake"]), .restart(core: "Haswell"))
        XCTAssertEqual(decide(epyc, running: "Zen", correct: false), .restart(core: "Haswell"))
        let all = Set(BLASCoreChoice.candidates(for: epyc))
        XCTAssertEqual(decide(epyc, running: "Prescott", correct: false, excluded: all), .noCorrectCore)
    }

    func testEveryRestartExcludesOneMoreCoreSoRestartsEnd() {
        // Every core computes wrong results: the restarts walk down the ladder once and stop.
        var excluded: Set<String> = []
        var running = "Prescott"
        var restarts = 0
        while case .restart(let core) = decide(xeon, running: running, correct: false, excluded: excluded) {
            excluded.insert(running)  // as BLASCoreSelection does before it restarts
            running = core
            restarts += 1
            if restarts > 10 { return XCTFail("the restarts do not end") }
        }
        XCTAssertEqual(decide(xeon, running: running, correct: false, excluded: excluded), .noCorrectCore)
        XCTAssertEqual(restarts, BLASCoreChoice.candidates(for: xeon).count - 1, "each other core tried once")
    }

    func testTiersOrderTheCoresOpenBLASNames() {
        XCTAssertLessThan(BLASCoreChoice.tier(ofCore: "Prescott")!, BLASCoreChoice.tier(ofCore: "Nehalem")!)
        XCTAssertLessThan(BLASCoreChoice.tier(ofCore: "Sandybridge")!, BLASCoreChoice.tier(ofCore: "Haswell")!)
        XCTAssertEqual(BLASCoreChoice.tier(ofCore: "ZEN"), .avx2)
        XCTAssertLessThan(BLASCoreChoice.tier(ofCore: "Haswell")!, BLASCoreChoice.tier(ofCore: "SkylakeX")!)
        XCTAssertLessThan(BLASCoreChoice.tier(ofCore: "SkylakeX")!, BLASCoreChoice.tier(ofCore: "Cooperlake")!)
        XCTAssertNil(BLASCoreChoice.tier(ofCore: "SomeFutureCore"))
    }

    func testThisMachinesCoreAgreesWithTheReferenceGEMM() {
        XCTAssertTrue(BLASCheck.gemmAgreesWithReference(), "OpenBLAS \(BLASCoreStatus.current.core) gives wrong sgemm results")
    }

    func testTheReadFeaturesAgreeWithTheKernelsView() throws {
        // /proc/cpuinfo is the Linux kernel's own reading of cpuid (with the OS state applied):
        // an independent check of the C reader.
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            throw XCTSkip("no /proc/cpuinfo flags on this system")
        }
        let flags = Set(line.split(separator: ":")[1].split(separator: " ").map(String.init))
        let current = CPUFeatures.current
        for flag in [CPUFeatures.Flag.avx2, .fma, .avx512f, .avx512bw, .avx512dq, .avx512vl, .avx512_bf16, .avx512_vnni] {
            XCTAssertEqual(current.has(flag), flags.contains(flag.rawValue), "\(flag.rawValue)")
        }
    }
}
