#!/usr/bin/env bash
# Builds tests/kernels/bench.c with the kernels' sources and runs it: the float32 and bfloat16
# peak loops and the W shape's three products (batch 128, 800x800), float32 against bfloat16, on
# 1 and 2 threads, with the families this CPU runs best. `--float32 FAMILY`, `--bf16 FAMILY` pick
# others (names as the test prints them). Timings swing on a shared machine: run it twice.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
lscpu | sed -n 's/^Model name: *//p' | sed 's/^/CPU: /'
cc -O2 -std=gnu11 -Wall -Wextra -Wno-unused-parameter -ISources/CDescentKernels/include -pthread \
    Sources/CDescentKernels/*.c tests/kernels/bench.c -lm -o "$out/bench"
"$out/bench" "$@"
