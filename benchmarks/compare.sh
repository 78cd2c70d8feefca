#!/usr/bin/env bash
# Side-by-side speed of Descent and the Python peers (numpy, JAX, PyTorch CPU, scikit-learn, and a
# Nielsen-style per-example loop) on the three configurations S, N and T, on the same MNIST files.
#
#   benchmarks/compare.sh [--rounds R] [--epochs E] [--data DIR] [--configs "S N T W"]
#                         [--peers "descent descent-bf16 numpy jax jax-scan torch torch-bf16 sklearn nielsen"]
#                         [--with-jax-unpinned]
#                         [--no-install] [--raw FILE] [--idle-wait SECONDS] [--nice N]
#   benchmarks/compare.sh --recipe mlp99 [--rounds R] [--data DIR] [--no-install]
#
# --recipe mlp99 times a whole recipe instead of epochs: Descent's `descent train --preset mlp99`
# and the same recipe in PyTorch (benchmarks/recipes/torch_mlp99.py: 784-800-800-10, dropout,
# deskewed images, rotation, scaling and elastic distortions drawn afresh each epoch, Adam with a
# cosine schedule, 40 epochs), both on two threads, side by side. It prints each run's training
# seconds until the test accuracy first reaches 99% (measured after every epoch, not timed), its
# wall time to that point (data loading and deskewing included) and its final test accuracy.
#
# JAX runs two ways: a jit-compiled step per mini-batch (jax) and a whole epoch compiled as one
# lax.scan (jax-scan). The tables give both, and a "JAX, the faster" column with the faster of the
# two in each row, saying which it was; the last column names the strongest peer of each row.
# Every table is headed by the CPU model, its vector extensions and Descent's kernel family. The
# peers descent-avx2 and descent-portable are Descent again with a lower kernel family
# (`descent bench --kernel`), for two families side by side on one machine.
#
# Precision: descent-bf16 is `descent bench --precision bf16` (the training's products with bfloat16
# operands and float32 sums), torch-bf16 is PyTorch under torch.autocast("cpu", dtype=torch.bfloat16).
# W (784-800-800-10, T's recipe) runs on two threads only. For float32 and bfloat16 side by side:
#   benchmarks/compare.sh --configs "T W" --peers "descent descent-bf16 torch torch-bf16"
#
# Rounds are interleaved: round 1 runs every peer on every configuration, then round 2 does it
# again, so a slow spell of the machine hits every peer instead of one. Each run prints one JSON
# line; the table shows, per configuration, the median over rounds of each run's seconds per epoch
# (itself the median of the epochs after the first), and the ratio peer / Descent.
#
# Threads: S and N run on one thread, T on one and on two. A one-thread run of EVERY peer,
# Descent included, is pinned to one CPU with taskset (XLA:CPU in jax 0.10 ignores the usual
# one-thread flags: unpinned, a "one-thread" JAX run keeps 1.6 cores busy), and gets
# OMP/MKL/OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(1). --with-jax-unpinned adds JAX with
# the XLA flags alone, unpinned, as a separate column (one-thread rows only), for information.
#
# A shared machine: before each run the script samples /proc/stat for a second and, while other
# processes keep more than a fifth of a core busy, waits for them (at most --idle-wait seconds in
# all, default 300, or 0 with --nice; 0 = never wait). The table counts the runs that started on a busy machine.
# Where waiting does not help, --nice -20 (root only) runs every peer, Descent included, in a
# session of its own (a new scheduler autogroup) with that niceness for the autogroup and the
# process: with autogroups on (/proc/sys/kernel/sched_autogroup_enabled), plain nice only counts
# within one's own session, so other sessions' jobs would still take half the CPU.
#
# Environment: DESCENT (default .build/release/descent, built if missing), DESCENT_DATA (the MNIST
# folder when --data is not given), PYTHON (the interpreter that makes the venv, default python3),
# TORCH_VERSION (default 2.13.0; the "+cpu" wheel is tried first), TORCH_INDEX_URL (an extra pip
# index to find a CPU-only torch on, if the first try fails).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

rounds=2
epochs=3
recipe=""
data="${DESCENT_DATA:-}"
configs="S N T"
peers="descent numpy jax jax-scan torch sklearn nielsen"
install=1
raw=""
idle_wait=""
with_unpinned=0
niceness=""

while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --recipe) recipe="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        --data) data="$2"; shift 2 ;;
        --configs) configs="$2"; shift 2 ;;
        --peers) peers="$2"; shift 2 ;;
        --with-scan) shift ;;  # jax-scan is in the default peers now; kept so old command lines run
        --with-jax-unpinned) with_unpinned=1; shift ;;
        --no-install) install=0; shift ;;
        --raw) raw="$2"; shift 2 ;;
        --idle-wait) idle_wait="$2"; shift 2 ;;
        --nice) niceness="$2"; shift 2 ;;
        -h|--help) sed -n '2,52p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ "$epochs" -lt 2 ]]; then
    echo "compare.sh: --epochs must be at least 2 (the first epoch is reported apart)" >&2
    exit 2
fi
if [[ $with_unpinned -eq 1 ]]; then
    peers="${peers/jax/jax jax-unpinned}"
fi
# Waiting for a quiet machine is pointless once our runs take the CPU first.
if [[ -z "$idle_wait" ]]; then
    if [[ -n "$niceness" ]]; then idle_wait=0; else idle_wait=300; fi
fi

# ---- data -------------------------------------------------------------------------------------
if [[ -z "$data" ]]; then
    for candidate in "$root/shared/mnist" "$root/../shared/mnist" "${XDG_CACHE_HOME:-$HOME/.cache}/descent/mnist"; do
        if [[ -f "$candidate/train-images-idx3-ubyte.gz" ]]; then data="$candidate"; break; fi
    done
fi
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    if [[ -z "$data" || ! -f "$data/$f" ]]; then
        echo "compare.sh: MNIST not found (need the four .gz IDX files): pass --data DIR, set DESCENT_DATA, or run 'descent download'" >&2
        exit 1
    fi
done
data="$(cd "$data" && pwd)"

# ---- Python peers: a virtual environment ------------------------------------------------------
venv="$here/.venv"
py="$venv/bin/python"
if [[ $install -eq 1 ]]; then
    if [[ ! -x "$py" ]]; then
        echo "Creating $venv" >&2
        "${PYTHON:-python3}" -m venv "$venv"
    fi
    log="$here/.venv/install.log"
    echo "Installing numpy, jax, torch (CPU), scikit-learn, threadpoolctl into $venv (log: $log)" >&2
    "$py" -m pip install -q numpy jax scikit-learn threadpoolctl >"$log" 2>&1 \
        || { cat "$log" >&2; echo "compare.sh: pip install failed" >&2; exit 1; }
    if ! "$py" -c "import torch" >/dev/null 2>&1; then
        tv="${TORCH_VERSION:-2.13.0}"
        "$py" -m pip install -q "torch==$tv+cpu" >>"$log" 2>&1 \
            || { [[ -n "${TORCH_INDEX_URL:-}" ]] && "$py" -m pip install -q torch --index-url "$TORCH_INDEX_URL" >>"$log" 2>&1; } \
            || "$py" -m pip install -q torch >>"$log" 2>&1 \
            || { cat "$log" >&2; echo "compare.sh: could not install torch" >&2; exit 1; }
    fi
fi
[[ -x "$py" ]] || { echo "compare.sh: no $py (run without --no-install once)" >&2; exit 1; }

# ---- Descent ----------------------------------------------------------------------------------
DESCENT="${DESCENT:-.build/release/descent}"
case "$DESCENT" in /*) descent_bin="$DESCENT" ;; *) descent_bin="$root/$DESCENT" ;; esac
if [[ " $peers " == *" descent "* ]]; then
    if [[ ! -x "$descent_bin" ]]; then
        echo "Building Descent: swift build -c release --product descent" >&2
        (cd "$root" && swift build -c release --product descent >&2)
    fi
    # An unknown subcommand with --help prints the top-level help and exits 0: look for bench's own usage.
    if ! "$descent_bin" bench --help 2>&1 | grep -q 'USAGE: descent bench'; then
        echo "compare.sh: $descent_bin has no 'bench' command yet; running the peers alone" >&2
        peers="${peers/descent/}"
    fi
fi

# ---- the machine ------------------------------------------------------------------------------
model="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
cores="$(lscpu | sed -n 's/^Core(s) per socket:[[:space:]]*//p' | head -n1)"
sockets="$(lscpu | sed -n 's/^Socket(s):[[:space:]]*//p' | head -n1)"
cpus="$(nproc)"
flags="$(grep -m1 '^flags' /proc/cpuinfo || true)"
isa=""
for f in avx2 fma avx512f avx512bw avx512vl avx512_vnni avx512_bf16 avx512_fp16 amx_tile asimd sve; do
    [[ " $flags " == *" $f "* ]] && isa+="${isa:+, }${f^^}"
done
export DESCENT_MACHINE="CPU: $model; vector extensions: ${isa:-none found}"
mem="$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
first_cpu="$("$py" -c 'import os; print(min(os.sched_getaffinity(0)))')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${load_before%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    echo "compare.sh: warning: load average $load_before before the runs; other work on this machine skews the timings" >&2
fi

# ---- a whole recipe, side by side ----------------------------------------------------------------
if [[ -n "$recipe" ]]; then
    [[ "$recipe" == mlp99 ]] || { echo "compare.sh: --recipe $recipe is not known; expected mlp99" >&2; exit 2; }
    [[ -x "$descent_bin" ]] || { echo "compare.sh: no $descent_bin" >&2; exit 1; }
    work="$(mktemp -d "${TMPDIR:-/tmp}/descent-recipe.XXXXXX")"
    start=$(date +%s)
    for round in $(seq 1 "$rounds"); do
        echo "Round $round of $rounds (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        begin=$(date +%s.%N)
        "$descent_bin" train --data "$data" --preset mlp99 --threads 2 --seed "$((round - 1))" \
            --out "$work/mlp99-$round.safetensors" --report "$work/report-$round" >"$work/descent-$round.log" 2>&1 \
            || { tail -n 5 "$work/descent-$round.log" >&2; exit 1; }
        end=$(date +%s.%N)
        echo "{\"wall_seconds\": $(awk -v a="$begin" -v b="$end" 'BEGIN { printf "%.3f", b - a }')}" >"$work/descent-$round.wall"
        echo "  descent: $(grep 'Test accuracy' "$work/descent-$round.log")" >&2
        "$py" "$here/recipes/torch_mlp99.py" "$data" --threads 2 --seed "$((round - 1))" >"$work/torch-$round.log" 2>&1 \
            || { tail -n 5 "$work/torch-$round.log" >&2; exit 1; }
        echo "  torch: $(tail -n 2 "$work/torch-$round.log" | head -n 1)" >&2
    done
    echo "## Time to 99%: the mlp99 recipe, Descent and PyTorch side by side, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $model, $cpus CPUs online${isa:+, $isa}, $mem. Load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Wall time of the runs: $(( $(date +%s) - start )) s. Both on two threads; seeds 0 to $((rounds - 1)) (each peer's own generator)."
    echo
    "$py" - "$work" "$rounds" <<'PY'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])


def cell(value, form="{}"):
    return "not reached" if value is None else form.format(value)


print("| run | peer | epochs to 99% | training seconds to 99% | wall seconds to 99% | final test accuracy | wall seconds, whole run |")
print("|---|---|---|---|---|---|---|")
for r in range(1, rounds + 1):
    report = json.load(open(f"{work}/report-{r}/report.json"))
    wall = json.load(open(f"{work}/descent-{r}.wall"))["wall_seconds"]
    epochs = report["epochs"]
    total = sum(e["seconds"] for e in epochs)
    elapsed, epoch, seconds = 0.0, None, None
    for e in epochs:
        elapsed += e["seconds"]
        if epoch is None and e["test_accuracy"] >= 0.99:
            epoch, seconds = e["epoch"], elapsed
    # Descent's wall time to 99%: the whole run's wall time less the training seconds after it.
    to_wall = None if seconds is None else wall - (total - seconds)
    final = report["test"]["accuracy"] * 100
    print(f"| {r} | Descent | {cell(epoch)} | {cell(seconds, '{:.1f}')} | {cell(to_wall, '{:.1f}')} | {final:.2f}% | {wall:.1f} |")
    line = [text for text in open(f"{work}/torch-{r}.log") if text.startswith("{")][-1]
    torch = json.loads(line)
    got = torch["reached"] or {}
    print(f"| {r} | PyTorch {torch['torch']} | {cell(got.get('epoch'))} | {cell(got.get('training_seconds'), '{:.1f}')} | "
          f"{cell(got.get('wall_seconds'), '{:.1f}')} | {torch['final_test_accuracy'] * 100:.2f}% | {torch['wall_seconds']:.1f} |")
PY
    echo
    echo "Logs and reports: $work"
    exit 0
fi

calibrate() {
    local -a pre=()
    if [[ -n "$niceness" ]]; then
        pre=(setsid -w bash -c 'echo "$0" >/proc/self/autogroup 2>/dev/null; exec nice -n "$0" "$@"' "$niceness")
    fi
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        "${pre[@]}" taskset -c "$first_cpu" "$py" "$here/calibrate.py" 2>/dev/null || echo "(calibration failed)"
}
calibration_before="$(calibrate)"

results="${raw:-$(mktemp "${TMPDIR:-/tmp}/descent-compare.XXXXXX.tsv")}"
: >"$results"

# Busy CPUs (all processes but none of ours: we are between runs) over one second, in cores.
busy_cores() {
    local a b
    a=($(head -n1 /proc/stat)); sleep 1; b=($(head -n1 /proc/stat))
    # user nice system idle iowait irq softirq steal
    local busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))
    local total=$(( busy + (b[4]+b[5]) - (a[4]+a[5]) ))
    awk -v b="$busy" -v t="$total" -v n="$cpus" 'BEGIN { printf "%.2f", (t > 0 ? n * b / t : 0) }'
}
waited=0
# Waits (within the --idle-wait budget) until other processes use under 0.2 cores; prints the load.
settle() {
    local busy
    busy="$(busy_cores)"
    while awk -v b="$busy" 'BEGIN { exit !(b > 0.2) }' && [[ $waited -lt $idle_wait ]]; do
        sleep 4; waited=$(( waited + 5 ))
        busy="$(busy_cores)"
    done
    printf '%s' "$busy"
}

# One run: prints nothing on stdout; appends "round peer config threads rc busy json" to $results.
run_one() {
    local round="$1" peer="$2" config="$3" threads="$4"
    local -a cmd env_cmd pin=()
    env_cmd=(env)
    if [[ "$threads" -eq 1 && "$peer" != jax-unpinned ]]; then pin=(taskset -c "$first_cpu"); fi
    if [[ -n "$niceness" ]]; then
        pin=(setsid -w bash -c 'echo "$0" >/proc/self/autogroup 2>/dev/null; exec nice -n "$0" "$@"' "$niceness" "${pin[@]}")
    fi
    case "$peer" in
        descent)
            cmd=("$descent_bin" bench --config "$config" --epochs "$epochs" --threads "$threads" --json --data "$data") ;;
        descent-bf16)
            # Descent with its training products in bfloat16 (descent bench --precision bf16).
            cmd=("$descent_bin" bench --config "$config" --epochs "$epochs" --threads "$threads" --json --data "$data" --precision bf16) ;;
        descent-avx2|descent-portable)
            # Descent with a lower kernel family, on the same machine (descent bench --kernel).
            cmd=("$descent_bin" bench --config "$config" --epochs "$epochs" --threads "$threads" --json --data "$data" --kernel "${peer#descent-}") ;;
        numpy|sklearn|nielsen)
            # numpy's OpenBLAS picks its kernel itself: drop the overrides some machines set.
            env_cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
            cmd=("$py" "$here/peers/${peer}_peer.py" "$data" --config "$config" --epochs "$epochs" --threads "$threads") ;;
        jax)
            cmd=("$py" "$here/peers/jax_peer.py" "$data" --config "$config" --epochs "$epochs" --threads "$threads") ;;
        jax-unpinned)
            [[ "$threads" -eq 1 ]] || return 0  # with two threads it is the jax column
            cmd=("$py" "$here/peers/jax_peer.py" "$data" --config "$config" --epochs "$epochs" --threads "$threads" --no-pin) ;;
        jax-scan)
            cmd=("$py" "$here/peers/jax_peer.py" "$data" --config "$config" --epochs "$epochs" --threads "$threads" --scan) ;;
        torch)
            cmd=("$py" "$here/peers/torch_peer.py" "$data" --config "$config" --epochs "$epochs" --threads "$threads") ;;
        torch-bf16)
            cmd=("$py" "$here/peers/torch_peer.py" "$data" --config "$config" --epochs "$epochs" --threads "$threads" --bf16) ;;
        *) echo "compare.sh: unknown peer $peer" >&2; return 0 ;;
    esac
    local out rc=0 line busy
    busy="$(settle)"
    out="$(OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" \
        timeout 600 "${env_cmd[@]}" "${pin[@]}" "${cmd[@]}" 2>"$results.stderr")" || rc=$?
    line="$(printf '%s\n' "$out" | grep '^{' | tail -n1 || true)"
    if [[ $rc -ne 0 || -z "$line" ]]; then
        echo "  $peer $config/$threads failed (exit $rc):" >&2
        tail -n 5 "$results.stderr" | sed 's/^/    /' >&2
    else
        local spe
        spe="$(printf '%s' "$line" | sed -n 's/.*"seconds_per_epoch": *\([0-9.eE+-]*\).*/\1/p')"
        echo "  $peer $config/$threads: ${spe:-?} s/epoch (other processes: $busy cores before)" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$peer" "$config" "$threads" "$rc" "$busy" "$line" >>"$results"
}

start=$(date +%s)
for round in $(seq 1 "$rounds"); do
    echo "Round $round of $rounds" >&2
    for config in $configs; do
        case "$config" in T) thread_counts="1 2" ;; W) thread_counts="2" ;; *) thread_counts="1" ;; esac
        for threads in $thread_counts; do
            for peer in $peers; do
                [[ "$peer" == nielsen && "$config" == T ]] && continue
                run_one "$round" "$peer" "$config" "$threads"
            done
        done
    done
done
elapsed=$(( $(date +%s) - start ))
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
calibration_after="$(calibrate)"
rm -f "$results.stderr"

echo "## Descent vs the Python peers, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $model, $cores cores x $sockets socket(s), $cpus CPUs online${isa:+, $isa}, $mem, $(uname -sm)."
echo "Load average before / after: $load_before / $load_after. Wall time of the runs: ${elapsed} s, of which ${waited} s waiting for other processes to calm down."
echo "Machine speed before: $calibration_before."
echo "Machine speed after:  $calibration_after."
[[ -n "$niceness" ]] && echo "Every run at niceness $niceness (nice -n $niceness)."
echo "MNIST from $data; training on the first 50,000 images, accuracy on the 10,000 test images."
echo
"$py" "$here/report.py" "$results"
echo
echo "Raw results (one JSON line per run): $results"
