import CCPUID

/// What this processor can execute, as the cpuid instruction reports it (Intel SDM vol. 2A,
/// "CPUID"), with AVX and AVX-512 counted only when the operating system saves their registers
/// (XCR0), as OpenBLAS itself requires before it runs such kernels.
public struct CPUFeatures: Equatable, Sendable {
    public enum Flag: String, CaseIterable, Sendable {
        case sse3, ssse3, sse4_1, sse4_2, avx, fma, avx2
        case avx512f, avx512bw, avx512dq, avx512vl, avx512cd, avx512_bf16, avx512_vnni, avx_vnni
    }

    /// "GenuineIntel", "AuthenticAMD", ...; empty off x86-64.
    public var vendor: String
    /// The marketing name ("AMD EPYC 7B13"), or empty.
    public var brand: String
    public var family: Int
    public var model: Int
    public var flags: Set<Flag>

    public init(vendor: String, brand: String = "", family: Int = 0, model: Int = 0, flags: Set<Flag>) {
        self.vendor = vendor
        self.brand = brand
        self.family = family
        self.model = model
        self.flags = flags
    }

    public func has(_ flag: Flag) -> Bool { flags.contains(flag) }

    /// AVX2 with FMA3: what OpenBLAS's Haswell and Zen kernels use.
    public var hasAVX2FMA: Bool { has(.avx2) && has(.fma) }
    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use (F, BW, DQ, VL; it checks the same).
    public var hasAVX512: Bool { [.avx512f, .avx512bw, .avx512dq, .avx512vl].allSatisfy(has) }

    /// This machine's processor (read once: cpuid does not change while a process runs).
    public static let current: CPUFeatures = {
        var raw = bk_cpu_features()
        bk_read_cpu_features(&raw)
        func string<T>(_ tuple: T) -> String {
            withUnsafeBytes(of: tuple) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }.trimmingSpaces()
        }
        let avxState = raw.os_saves_avx, avx512State = raw.os_saves_avx && raw.os_saves_avx512
        let bits: [(Flag, Bool)] = [
            (.sse3, raw.sse3), (.ssse3, raw.ssse3), (.sse4_1, raw.sse4_1), (.sse4_2, raw.sse4_2),
            (.avx, raw.avx && avxState), (.fma, raw.fma && avxState), (.avx2, raw.avx2 && avxState),
            (.avx_vnni, raw.avx_vnni && avxState),
            (.avx512f, raw.avx512f && avx512State), (.avx512bw, raw.avx512bw && avx512State),
            (.avx512dq, raw.avx512dq && avx512State), (.avx512vl, raw.avx512vl && avx512State),
            (.avx512cd, raw.avx512cd && avx512State), (.avx512_bf16, raw.avx512_bf16 && avx512State),
            (.avx512_vnni, raw.avx512_vnni && avx512State),
        ]
        return CPUFeatures(vendor: string(raw.vendor), brand: string(raw.brand), family: Int(raw.family),
                           model: Int(raw.model), flags: Set(bits.filter(\.1).map(\.0)))
    }()

    /// "AMD EPYC 7B13 (AuthenticAMD family 25 model 1; avx2 fma)": for logs, `info()` and the bench.
    public var summary: String {
        let name = brand.isEmpty ? (vendor.isEmpty ? "unknown CPU" : vendor) : brand
        let shown: [Flag] = [.avx, .avx2, .fma, .avx512f, .avx512bw, .avx512dq, .avx512vl, .avx512_bf16, .avx512_vnni]
        let present = shown.filter(has).map(\.rawValue)
        return "\(name) (\(vendor) family \(family) model \(model); \(present.isEmpty ? "no AVX" : present.joined(separator: " ")))"
    }
}

private extension String {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
