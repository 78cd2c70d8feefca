#!/usr/bin/env bash
# Builds the kernels' C test (kernels_test.c) with the kernels' sources and runs it: natively, and
# as an aarch64 binary under qemu-aarch64 where Debian's gcc-aarch64-linux-gnu and
# qemu-user-static are installed (`--arm64` makes them required), which must run the NEON family
# and its BF16 products (the emulated CPU is `max`, which has BF16). The emulator checks results,
# not speed.
set -euo pipefail
cd "$(dirname "$0")/../.."
require_arm64=0
[[ "${1:-}" == "--arm64" ]] && require_arm64=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sources=(Sources/CDescentKernels/*.c tests/kernels/kernels_test.c)
flags=(-O2 -std=gnu11 -Wall -Wextra -Wno-unused-parameter -ISources/CDescentKernels/include -pthread)

echo "== kernels on this machine ($(uname -m))"
cc "${flags[@]}" "${sources[@]}" -lm -o "$out/native"
"$out/native"

if command -v aarch64-linux-gnu-gcc > /dev/null && command -v qemu-aarch64-static > /dev/null; then
    echo "== kernels on aarch64, under qemu-aarch64-static -cpu max (Armv8.6 and later: BF16)"
    aarch64-linux-gnu-gcc -static "${flags[@]}" "${sources[@]}" -lm -o "$out/arm64"
    qemu-aarch64-static -cpu max "$out/arm64" | tee "$out/arm64.log"
    # A family the binary skipped is only printed: here NEON and its BF16 products must have run.
    ran=$(sed -n 's/^families run://p' "$out/arm64.log")
    for family in neon neon-bf16; do
        if [[ " $ran " != *" $family "* ]]; then
            echo "aarch64: the $family kernels did not run under qemu (families run:$ran)" >&2
            exit 1
        fi
    done
elif (( require_arm64 )); then
    echo "aarch64: gcc-aarch64-linux-gnu or qemu-user-static is missing" >&2
    exit 1
else
    echo "aarch64: not tested (install gcc-aarch64-linux-gnu and qemu-user-static)"
fi
