#!/usr/bin/env bash
# Headers that claim huge sizes are refused before anything of that size is allocated: `descent`
# reads a data folder whose training images are a ~100-byte file, and its peak memory (GNU time's
# maximum resident set size) must stay small.
#
#   tests/robustness/hostile_headers.sh BINARY MNIST_FOLDER [LIMIT_MB]     (default 200)
set -euo pipefail
BIN=$1; DATA=$2; LIMIT_MB=${3:-200}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK" <<'PY'
import gzip, struct, sys
work = sys.argv[1]
header = bytes([0, 0, 8, 3]) + struct.pack(">III", 1 << 31, 28, 28)
raw = header + bytes(100 - len(header))                       # 100 bytes claiming 2^31 images
lying = bytearray(gzip.compress(raw, mtime=0)); lying[-4:] = b"\xff\xff\xff\xff"   # trailer claims 4 GB
sparse = bytes([0, 0, 8, 3]) + struct.pack(">III", (1 << 31) // 784 - 1, 28, 28)   # fits 2^31, has no payload
cases = {"raw-2^31-images": raw, "gzip-trailer-4GB": bytes(lying), "claims-2.7M-images-holds-none": sparse}
for name, data in cases.items():
    open(f"{work}/{name}", "wb").write(data)
PY
failures=0
for name in raw-2^31-images gzip-trailer-4GB claims-2.7M-images-holds-none; do
    folder="$WORK/data-$name"; mkdir "$folder"
    for f in train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do ln -s "$DATA/$f" "$folder/$f"; done
    cp "$WORK/$name" "$folder/train-images-idx3-ubyte.gz"
    status=0
    /usr/bin/time -f "%M" -o "$WORK/rss" "$BIN" samples --data "$folder" --count 1 --out "$WORK/s.png" > /dev/null 2> "$WORK/err" || status=$?
    rss_mb=$(( $(tail -1 "$WORK/rss") / 1024 ))
    echo "hostile_headers: $name ($(wc -c < "$WORK/$name") bytes): exit $status, peak RSS ${rss_mb} MB: $(grep -v '^Command exited' "$WORK/err" | head -1)"
    if [ "$status" -eq 0 ] || [ "$rss_mb" -gt "$LIMIT_MB" ]; then echo "  FAILED (needs a non-zero exit and at most $LIMIT_MB MB)"; failures=$((failures + 1)); fi
done
[ $failures -eq 0 ] && echo "hostile_headers: passed" || { echo "hostile_headers: FAILED"; exit 1; }
