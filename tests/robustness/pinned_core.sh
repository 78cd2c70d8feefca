#!/usr/bin/env bash
# A run confined to one CPU must not wait on itself: `descent train` pinned to one core with
# taskset, with its default thread count (which must then be 1) and with --threads 2 (more threads
# than CPUs: no thread may spin while the one it waits for needs the core), against the same run
# unpinned with --threads 1. Each is run three times, interleaved; the fastest of each is compared.
# The pinned default run must take at most 10% (and 50 ms) longer; the pinned two-thread run is
# reported, and must take at most 30% (and 100 ms) longer. All three must write the same model.
#
#   tests/robustness/pinned_core.sh BINARY MNIST_FOLDER [EPOCHS]     (default 3)
set -euo pipefail
BIN=$1; DATA=$2; EPOCHS=${3:-3}
command -v taskset > /dev/null || { echo "pinned_core: taskset (util-linux) is missing" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CPU=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
TRAIN=(train --data "$DATA" --epochs "$EPOCHS" --seed 0)

# Seconds of wall time of one run; the model goes to $WORK/$1.safetensors.
timed() {
    local name=$1; shift
    local start end
    start=$(date +%s.%N)
    "$@" --out "$WORK/$name.safetensors" > "$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log" >&2; exit 1; }
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

"$BIN" "${TRAIN[@]}" --threads 1 --out "$WORK/warm.safetensors" > /dev/null  # the unpacked data cache, page cache
unpinned=(); pinned=(); pinned_two=()
for round in 1 2 3; do
    unpinned+=("$(timed unpinned "$BIN" "${TRAIN[@]}" --threads 1)")
    pinned+=("$(timed pinned taskset -c "$CPU" "$BIN" "${TRAIN[@]}")")
    pinned_two+=("$(timed pinned-two taskset -c "$CPU" "$BIN" "${TRAIN[@]}" --threads 2)")
done
best() { printf '%s\n' "$@" | sort -n | head -n1; }
u=$(best "${unpinned[@]}"); p=$(best "${pinned[@]}"); t=$(best "${pinned_two[@]}")
echo "pinned_core: $EPOCHS epochs; unpinned --threads 1: ${unpinned[*]} s; pinned to CPU $CPU, default threads: ${pinned[*]} s; pinned, --threads 2: ${pinned_two[*]} s (load $(cut -d' ' -f1-3 /proc/loadavg))"
same=1
for name in pinned pinned-two; do
    cmp -s "$WORK/unpinned.safetensors" "$WORK/$name.safetensors" || { echo "pinned_core: the $name run wrote another model" >&2; same=0; }
done
failed=0
awk -v p="$p" -v u="$u" 'BEGIN { exit !(p <= u * 1.10 + 0.05) }' \
    || { echo "pinned_core: pinned with default threads took ${p}s, over 10% more than ${u}s unpinned with --threads 1" >&2; failed=1; }
awk -v t="$t" -v u="$u" 'BEGIN { exit !(t <= u * 1.30 + 0.10) }' \
    || { echo "pinned_core: pinned with --threads 2 took ${t}s, over 30% more than ${u}s unpinned with --threads 1" >&2; failed=1; }
[[ $same -eq 1 && $failed -eq 0 ]] || exit 1
echo "pinned_core: passed (best of three: unpinned ${u}s, pinned ${p}s, pinned with two threads ${t}s)"
