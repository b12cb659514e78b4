// cpuid leaves and bits: Intel 64 and IA-32 Architectures Software Developer's Manual, vol. 2A,
// "CPUID - CPU Identification" (leaf 1 ECX; leaf 7 subleaf 0 EBX/ECX; leaf 7 subleaf 1 EAX;
// leaves 0x80000002-4 for the brand string). AVX and AVX-512 need both the CPU bit and the OS
// enabling the register state in XCR0 (SDM vol. 1, 13.3 and 15.2), which xgetbv reads.
#include "cpu_features.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long read_xcr0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

void bk_read_cpu_features(bk_cpu_features *out) {
    memset(out, 0, sizeof *out);
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return;
    unsigned max_leaf = eax;
    memcpy(out->vendor, &ebx, 4);
    memcpy(out->vendor + 4, &edx, 4);
    memcpy(out->vendor + 8, &ecx, 4);

    __get_cpuid(1, &eax, &ebx, &ecx, &edx);
    unsigned base_family = (eax >> 8) & 0xF, base_model = (eax >> 4) & 0xF;
    out->family = base_family == 0xF ? base_family + ((eax >> 20) & 0xFF) : base_family;
    out->model = (base_family == 0x6 || base_family == 0xF) ? (((eax >> 16) & 0xF) << 4) | base_model : base_model;
    out->sse3 = ecx & (1u << 0);
    out->ssse3 = ecx & (1u << 9);
    out->fma = ecx & (1u << 12);
    out->sse4_1 = ecx & (1u << 19);
    out->sse4_2 = ecx & (1u << 20);
    bool osxsave = ecx & (1u << 27);
    out->avx = ecx & (1u << 28);
    if (osxsave) {
        unsigned long long xcr0 = read_xcr0();
        out->os_saves_avx = (xcr0 & 0x6) == 0x6;
        out->os_saves_avx512 = (xcr0 & 0xE6) == 0xE6;
    }

    if (max_leaf >= 7) {
        __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx);
        unsigned subleaves = eax;
        out->avx2 = ebx & (1u << 5);
        out->avx512f = ebx & (1u << 16);
        out->avx512dq = ebx & (1u << 17);
        out->avx512cd = ebx & (1u << 28);
        out->avx512bw = ebx & (1u << 30);
        out->avx512vl = ebx & (1u << 31);
        out->avx512_vnni = ecx & (1u << 11);
        if (subleaves >= 1) {
            __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx);
            out->avx_vnni = eax & (1u << 4);
            out->avx512_bf16 = eax & (1u << 5);
        }
    }

    if (__get_cpuid(0x80000000, &eax, &ebx, &ecx, &edx) && eax >= 0x80000004) {
        unsigned words[12];
        for (unsigned i = 0; i < 3; i++)
            __get_cpuid(0x80000002 + i, &words[4 * i], &words[4 * i + 1], &words[4 * i + 2], &words[4 * i + 3]);
        memcpy(out->brand, words, 48);
        out->brand[48] = 0;
    }
}
#else
void bk_read_cpu_features(bk_cpu_features *out) { memset(out, 0, sizeof *out); }
#endif
