#!/usr/bin/env bash
# Interrupt and resume, end to end: a run stopped by Ctrl-C (SIGINT) at random moments and resumed
# with --resume, and a run killed outright (SIGKILL) after a --checkpoint-every save and resumed
# from that save, must each end with a model file byte-identical to an uninterrupted run's.
#   tests/robustness/resume_check.sh BINARY MNIST_FOLDER [ROUNDS]
set -euo pipefail
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); DATA=$2; ROUNDS=${3:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# Long enough that a signal 0-0.8 s after the first epoch lands inside the run even on a quiet
# machine (an epoch takes 0.03-0.08 s): 8 epochs finished before most signals did.
RECIPE=(--data "$DATA" --epochs 30 --threads 1)

"$BIN" train "${RECIPE[@]}" --out straight.safetensors > straight.log
echo "uninterrupted: $(grep 'Test accuracy' straight.log)"

# Ctrl-C: the run saves itself and exits 130; --resume finishes it. Each round stops at a new moment.
interrupted=0
for round in $(seq "$ROUNDS"); do
    rm -f run.safetensors run.checkpoint.safetensors
    delay=$(python3 -c "import random; print(round(random.uniform(0, 0.8), 2))")
    "$BIN" train "${RECIPE[@]}" --out run.safetensors > run.log 2> run.err &
    pid=$!
    # A background job of a script starts with SIGINT ignored; descent takes it over once training
    # begins, so the signal goes after the first epoch's line, at a random moment of the epochs left.
    for _ in $(seq 500); do grep -q "^Epoch 1/" run.log && break; sleep 0.01; done
    sleep "$delay"
    kill -INT "$pid" 2>/dev/null || true
    status=0; wait "$pid" || status=$?
    if [ "$status" -eq 0 ]; then echo "round $round: finished before the signal ${delay}s after epoch 1"; cmp straight.safetensors run.safetensors; continue; fi
    [ "$status" -eq 130 ] || { echo "round $round: exit $status, expected 130"; cat run.err; exit 1; }
    grep -q "Resume with: descent train --resume run.checkpoint.safetensors" run.err
    "$BIN" train --resume run.checkpoint.safetensors --data "$DATA" --threads 2 > resume.log
    cmp straight.safetensors run.safetensors
    echo "round $round: Ctrl-C ${delay}s after epoch 1 ($(grep -o 'epoch [0-9]* before batch [0-9]*' run.err)), resumed: identical model"
    interrupted=$((interrupted + 1))
done
[ "$interrupted" -ge 1 ] || { echo "no round was interrupted; the run is too fast for these delays"; exit 1; }

# SIGKILL after the first --checkpoint-every save: the save is complete and resumes exactly.
rm -f killed.safetensors saved.checkpoint.safetensors
"$BIN" train "${RECIPE[@]}" --out killed.safetensors --checkpoint saved.checkpoint.safetensors --checkpoint-every 1 > killed.log &
pid=$!
for _ in $(seq 400); do [ -f saved.checkpoint.safetensors ] && break; sleep 0.01; done
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ -f saved.checkpoint.safetensors ] || { echo "no checkpoint was written"; exit 1; }
"$BIN" train --resume saved.checkpoint.safetensors --data "$DATA" --out killed.safetensors > killed-resume.log
cmp straight.safetensors killed.safetensors
echo "SIGKILL after a --checkpoint-every save, resumed: identical model"
echo "resume check passed"
