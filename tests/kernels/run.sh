#!/usr/bin/env bash
# Builds the kernels' C test (kernels_test.c) with the kernels' sources and runs it: natively, and
# as an aarch64 binary under qemu-aarch64 where Debian's gcc-aarch64-linux-gnu and
# qemu-user-static are installed (`--arm64` makes them required), which must run the NEON family
# and its BF16 products (the emulated CPU is `max`, which has BF16). The emulator checks results,
# not speed. On x86-64 the AMX family also runs with its tile instructions emulated in C.
set -euo pipefail
cd "$(dirname "$0")/../.."
require_arm64=0
[[ "${1:-}" == "--arm64" ]] && require_arm64=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
sources=(Sources/CDescentKernels/*.c tests/kernels/kernels_test.c)
flags=(-O2 -std=gnu11 -Wall -Wextra -Wno-unused-parameter -ISources/CDescentKernels/include -pthread)

# Fails unless every family named after the log ran: the test binary only prints a family it skipped.
require() {
    local log=$1 where=$2 ran family
    shift 2
    ran=$(sed -n 's/^families run://p' "$log")
    for family in "$@"; do
        if [[ " $ran " != *" $family "* ]]; then
            echo "$where: the $family kernels did not run (families run:$ran)" >&2
            exit 1
        fi
    done
}

# The distortion's kernels must round as the Swift loops they replaced: no fused multiply-add in them.
# Their tests compare bytes, which an unfused-versus-fused difference of an ulp rarely changes, so
# this reads the instructions. $1: objdump, $2: the binary.
unfused() {
    local fused
    fused=$("$1" -d --no-show-raw-insn "$2" | awk '/^[0-9a-f]+ <.*(filter_line|distortion_sample|sample_avx512).*>:$/ { on = 1; next } /^$/ { on = 0 } on' |
        grep -cE 'vfmadd|vfmsub|vfnmadd|fmla|fmls|fmadd|fmsub' || true)
    if [[ $fused != 0 ]]; then
        echo "$2: $fused fused multiply-adds in the distortion's kernels (filter_line, sample)" >&2
        exit 1
    fi
}

echo "== kernels on this machine ($(uname -m))"
cc "${flags[@]}" "${sources[@]}" -lm -o "$out/native"
unfused objdump "$out/native"
"$out/native"

if [[ $(uname -m) == x86_64 ]]; then
    # No AMX here to run amx.c on: its tile instructions done in C instead (amx_emulated.c).
    echo "== the AMX family, its tile instructions emulated in C"
    cc "${flags[@]}" -DDESCENT_AMX_EMULATED $(ls Sources/CDescentKernels/*.c | grep -v '/amx\.c$') \
        tests/kernels/amx_emulated.c tests/kernels/kernels_test.c -lm -o "$out/amx-emulated"
    "$out/amx-emulated" > "$out/amx.log" || { cat "$out/amx.log"; exit 1; }
    tail -n 2 "$out/amx.log"
    if grep -qw avx512_bf16 /proc/cpuinfo && ! grep -qw amx_tile /proc/cpuinfo; then
        require "$out/amx.log" "x86_64 with AVX512_BF16" amx-bf16-emulated
    fi
fi

if command -v aarch64-linux-gnu-gcc > /dev/null && command -v qemu-aarch64-static > /dev/null; then
    echo "== kernels on aarch64, under qemu-aarch64-static -cpu max (Armv8.6 and later: BF16)"
    aarch64-linux-gnu-gcc -static "${flags[@]}" "${sources[@]}" -lm -o "$out/arm64"
    unfused aarch64-linux-gnu-objdump "$out/arm64"
    qemu-aarch64-static -cpu max "$out/arm64" | tee "$out/arm64.log"
    require "$out/arm64.log" "aarch64 under qemu" neon neon-bf16
elif (( require_arm64 )); then
    echo "aarch64: gcc-aarch64-linux-gnu or qemu-user-static is missing" >&2
    exit 1
else
    echo "aarch64: not tested (install gcc-aarch64-linux-gnu and qemu-user-static)"
fi
