#ifndef DESCENT_CFUZZDRIVER_H
#define DESCENT_CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (https://llvm.org/docs/LibFuzzer.html#using-libfuzzer-as-a-library), linked
/// by -sanitize=fuzzer. SwiftPM gives an executable's `main` another name on Linux, so libFuzzer's
/// own `main` cannot be used: each target's main.swift calls this instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
