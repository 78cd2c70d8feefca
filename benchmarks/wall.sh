#!/usr/bin/env bash
# Wall times of whole commands, as a user runs them, with the CPU and the load beside each figure:
#   - `descent train` with its defaults (the video's 30 epochs, loading and the test included),
#     RUNS times, its last epoch against its second (flush-to-zero keeps them alike);
#   - `descent train --preset fast98` for seeds 0, 1 and 2 (the test accuracy and the wall time);
#   - `descent bench --config W` with each kernel family this CPU runs, side by side.
#
#   benchmarks/wall.sh [--data DIR] [--runs N] [--nice N]      (prints Markdown)
# DESCENT: the binary (default .build/release/descent).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${DESCENT_DATA:-$root/../shared/mnist}"; runs=5; niceness=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) data="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --nice) niceness="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "wall.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
bin="${DESCENT:-$root/.build/release/descent}"
[[ -x "$bin" ]] || { echo "wall.sh: no $bin (swift build -c release)" >&2; exit 1; }
pre=()
[[ -n "$niceness" ]] && pre=(setsid -w bash -c 'echo "$0" >/proc/self/autogroup 2>/dev/null; exec nice -n "$0" "$@"' "$niceness")
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }
# Runs a command, prints "seconds" and keeps its output in $work/last.log.
timed() {
    local start end
    start=$(date +%s.%N)
    "${pre[@]}" "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}
epoch_seconds() { sed -n "s/^Epoch $1\/[0-9]* .* \([0-9.]*\)s$/\1/p" "$work/last.log"; }
accuracy() { sed -n 's/^Test accuracy: .*(\(.*\))$/\1/p' "$work/last.log"; }

echo "## Wall times, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) CPUs; best kernel family: $("$bin" bench --help > /dev/null && "$bin" bench --config S --epochs 1 --json --data "$data" | sed -n 's/.*"kernel" *: *"\([^"]*\)".*/\1/p')${niceness:+; every run at niceness $niceness}."
echo
"$bin" train --data "$data" --epochs 1 --out "$work/warm.safetensors" > /dev/null  # the unpacked copy of MNIST
echo "| command | run | wall seconds | test accuracy | epoch 2 / epoch 30 seconds | load before |"
echo "|---|---|---|---|---|---|"
for run in $(seq 1 "$runs"); do
    l=$(load); s=$(timed "$bin" train --data "$data" --out "$work/video.safetensors")
    echo "| \`descent train\` | $run | $s | $(accuracy) | $(epoch_seconds 2) / $(epoch_seconds 30) | $l |"
done
for seed in 0 1 2; do
    l=$(load); s=$(timed "$bin" train --data "$data" --preset fast98 --seed "$seed" --out "$work/fast98.safetensors")
    echo "| \`descent train --preset fast98 --seed $seed\` | 1 | $s | $(accuracy) | | $l |"
done
echo
echo "\`descent bench --config W --epochs 2\`, each family this CPU runs:"
echo
for family in avx512 avx2 neon; do
    "$bin" bench --help | grep -q -- "--kernel" || break
    l=$(load)
    if "${pre[@]}" "$bin" bench --config W --epochs 2 --kernel "$family" --data "$data" > "$work/bench.log" 2>&1; then
        echo "- $family (load $l):"
        grep -E "^(Machine peak|W )" "$work/bench.log" | sed 's/^/  - /'
    fi
done
