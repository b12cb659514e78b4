// What the processor can execute, read with the cpuid instruction (and xgetbv for what the
// operating system saves on a context switch). Swift cannot issue cpuid itself; this is the whole
// of the C. Used by Numerics to pick OpenBLAS's kernels (BLASCore.swift).
#ifndef BERT_KERNEL_CPU_FEATURES_H
#define BERT_KERNEL_CPU_FEATURES_H

#include <stdbool.h>

typedef struct {
    char vendor[13];   // "GenuineIntel", "AuthenticAMD", ... ("" off x86)
    char brand[49];    // "Intel(R) Xeon(R) Platinum 8488C", ... ("" when cpuid has no brand leaves)
    unsigned family;   // display family: base + extended (Intel SDM vol. 2A, CPUID leaf 1)
    unsigned model;    // display model: extended << 4 | base, for families 6 and 15 (and AMD >= 15)
    bool sse3, ssse3, sse4_1, sse4_2, avx, fma, avx2;
    bool avx512f, avx512bw, avx512dq, avx512vl, avx512cd, avx512_bf16, avx512_vnni, avx_vnni;
    bool os_saves_avx;     // XCR0 bits 1-2: XMM and YMM state
    bool os_saves_avx512;  // XCR0 bits 5-7: opmask, ZMM_Hi256, Hi16_ZMM
} bk_cpu_features;

/// Fills `out`; everything false and empty on processors other than x86-64.
void bk_read_cpu_features(bk_cpu_features *out);

#endif
