#!/usr/bin/env bash
# Crash-safe saves: `descent train --out MODEL` over an existing model, killed with SIGKILL at random
# moments, must leave MODEL either the old model or the complete new one, byte for byte, and
# loadable (`descent info`). Training is seeded, so the complete new model is known in advance.
#
#   tests/robustness/kill_train.sh BINARY MNIST_FOLDER [ITERATIONS]     (default 20)
#   KILL_LAYERS=784,100,100,10 picks a smaller network (for a debug binary, which is slow).
#
# A wide network (784-1500-1500-10, 14 MB of weights) makes the final save last milliseconds, and
# the kill delays are drawn so that about half fall around the save at the end of the run, the rest
# anywhere from the start. It also reports any temporary file left beside MODEL (on Linux there
# should be none: Files.writeAtomically writes to an O_TMPFILE file and names it just before the
# rename).
set -euo pipefail
BIN=$1; DATA=$2; ITERATIONS=${3:-20}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
MODEL="$WORK/model.safetensors"
TRAIN=(train --data "$DATA" --layers "${KILL_LAYERS:-784,1500,1500,10}" --epochs 1 --train-limit 500 --batch-size 50 --threads 1 --json)

sum() { sha256sum "$1" | cut -d' ' -f1; }

echo "kill_train: the old model (seed 1) and the complete new one (seed 2)"
"$BIN" "${TRAIN[@]}" --seed 2 --out "$WORK/new.safetensors" > /dev/null
start=$(date +%s.%N)
"$BIN" "${TRAIN[@]}" --seed 1 --out "$WORK/old.safetensors" > /dev/null
duration=$(python3 -c "import time; print(time.time() - $start)")
OLD=$(sum "$WORK/old.safetensors"); NEW=$(sum "$WORK/new.safetensors")
[ "$OLD" != "$NEW" ] || { echo "kill_train: seeds 1 and 2 gave the same model" >&2; exit 1; }
echo "kill_train: one run takes ${duration}s; old $OLD, new $NEW"

old_count=0; new_count=0; leftovers=0
for i in $(seq "$ITERATIONS"); do
    cp "$WORK/old.safetensors" "$MODEL"
    delay=$(python3 -c "import random; d=$duration; print(random.uniform(0.85*d, 1.05*d) if random.random() < 0.5 else random.uniform(0, d))")
    "$BIN" "${TRAIN[@]}" --seed 2 --out "$MODEL" > /dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    got=$(sum "$MODEL")
    if [ "$got" = "$OLD" ]; then state=old; old_count=$((old_count + 1))
    elif [ "$got" = "$NEW" ]; then state=new; new_count=$((new_count + 1))
    else echo "kill_train: FAILED at iteration $i (killed after ${delay}s): the model is neither old nor new" >&2; exit 1
    fi
    "$BIN" info --model "$MODEL" > /dev/null || { echo "kill_train: FAILED: descent info cannot load the model" >&2; exit 1; }
    extra=$(find "$WORK" -maxdepth 1 -name '.model.safetensors.*' | wc -l)
    leftovers=$((leftovers + extra))
    find "$WORK" -maxdepth 1 -name '.model.safetensors.*' -delete
    printf 'kill_train: %2d killed after %.3fs: %s model, intact; %d temporary files left\n' "$i" "$delay" "$state" "$extra"
done
echo "kill_train: passed: $ITERATIONS kills, $old_count left the old model, $new_count the new one, all loadable; $leftovers temporary files left in all"
