#!/usr/bin/env bash
# The README's accuracy table, measured: every preset `descent train` knows, on seeds 0, 1 and 2, none
# dropped, with the wall time of each run; video-distilled is taught by the mlp99 model of seed 0.
#
#   benchmarks/accuracy.sh [BINARY] [MNIST_FOLDER] [OUT.tsv]
#
# Writes one row a run (preset, seed, test accuracy, seconds of training, wall seconds, CPU, kernels)
# and prints each preset's mean. About 15 minutes on two cores, most of it mlp99.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-.build/release/descent}"
MNIST="${2:-../shared/mnist}"
CPU=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
OUT="${3:-benchmarks/results/$(date +%F)-accuracy-$(echo "$CPU" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-').tsv}"
# The family the kernels' dispatch picks on this CPU (descent bench prints it too).
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo; then KERNEL=avx512
elif grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then KERNEL=avx2-fma
else KERNEL=portable; fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf 'preset\tseed\ttest_accuracy\ttraining_seconds\twall_seconds\tcpu\tkernels\tload\n' > "$OUT"
run() {  # preset seed [extra arguments]
    local preset=$1 seed=$2; shift 2
    local start end
    start=$(date +%s.%N)
    "$BIN" train --data "$MNIST" --preset "$preset" --seed "$seed" --json --out "$WORK/$preset-$seed.safetensors" "$@" > "$WORK/run.json"
    end=$(date +%s.%N)
    python3 - "$WORK/run.json" "$preset" "$seed" "$start" "$end" "$CPU" "$KERNEL" "$(cut -d' ' -f1 /proc/loadavg)" >> "$OUT" <<'PY'
import json, sys
path, preset, seed, start, end, cpu, kernel, load = sys.argv[1:]
run = json.load(open(path))
print(f"{preset}\t{seed}\t{run['test_accuracy']:.4f}\t{run['seconds']:.1f}\t{float(end) - float(start):.1f}\t{cpu}\t{kernel}\t{load}")
PY
    tail -1 "$OUT"
}
for preset in video nielsen nielsen-ch3 video-best fast98 fast99 mlp99; do
    for seed in 0 1 2; do run "$preset" "$seed"; done
done
for seed in 0 1 2; do run video-distilled "$seed" --teacher "$WORK/mlp99-0.safetensors"; done
python3 - "$OUT" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for preset in dict.fromkeys(r["preset"] for r in rows):
    accuracies = [float(r["test_accuracy"]) for r in rows if r["preset"] == preset]
    print(f"{preset}: " + ", ".join(f"{100 * a:.2f}%" for a in accuracies) + f"; mean {100 * statistics.mean(accuracies):.2f}%")
PY
echo "rows in $OUT"
