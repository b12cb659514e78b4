#ifndef C_FUZZER_DRIVER_H
#define C_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver as a library call (compiler-rt `lib/fuzzer/FuzzerInterface.h`, since LLVM
// 11): parses libFuzzer's flags from argv and fuzzes `callback`. Defined only when the program is
// linked with `-sanitize=fuzzer`; bert-fuzz calls it only in that build (`#if FUZZING`).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
