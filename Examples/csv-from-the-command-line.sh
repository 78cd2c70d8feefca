#!/usr/bin/env bash
# A CSV trained from the command line: the Spirals example writes its points as a CSV, and
# `descent train --csv` learns them; `descent evaluate --csv` measures the model on the file.
# Usage: Examples/csv-from-the-command-line.sh [path to the descent binary]
set -euo pipefail
cd "$(dirname "$0")"
DESCENT="${1:-../.build/release/descent}"
WORK=$(mktemp -d)
swift run -c release Spirals "$WORK/spirals.csv"
"$DESCENT" train --csv "$WORK/spirals.csv" --label-column arm --preset video-best --layers 2,32,32,2 \
    --epochs 300 --batch-size 32 --learning-rate 0.01 --out "$WORK/spirals.safetensors" | tail -3
"$DESCENT" evaluate --model "$WORK/spirals.safetensors" --csv "$WORK/spirals.csv" --label-column arm | sed -n 1p
rm -rf "$WORK"
