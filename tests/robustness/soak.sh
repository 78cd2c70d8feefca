#!/usr/bin/env bash
# The soak: mixed requests (good and bad) against `descent serve` on loopback for a long time, with
# the server's resident memory sampled every 5 s. Passes if no answer is a 5xx and the RSS never
# goes more than 10% above its level at the end of the warm-up.
#
#   tests/robustness/soak.sh BINARY MNIST_FOLDER [MODEL]
#   SOAK_SECONDS (default 600), WARMUP_SECONDS (60), SOAK_CONNECTIONS (16) change the run.
set -euo pipefail
BIN=$1; DATA=$2; MODEL=${3:-}
SECONDS_TOTAL=${SOAK_SECONDS:-600}; WARMUP=${WARMUP_SECONDS:-60}; CONNECTIONS=${SOAK_CONNECTIONS:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ARGS=(serve --data "$DATA" --host 127.0.0.1 --port "$PORT" --train-epochs 1)
[ -n "$MODEL" ] && ARGS+=(--model "$MODEL")
nice "$BIN" "${ARGS[@]}" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 240); do curl -sf "http://127.0.0.1:$PORT/api/model" > /dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$PORT/api/test/3" | python3 -c '
import json, sys
image = json.load(sys.stdin)
print(json.dumps({"pixels": [round(b / 255, 4) for b in image["bytes"]]}))' > "$WORK/body.json"
python3 - "$WORK/drawing.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
rows = b"".join(b"\0" + bytes(0 if 90 <= x < 110 and 30 <= y < 170 else 255 for x in range(200)) for y in range(200))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 200, 200, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
echo "soak: server pid $SERVER, RSS $(( $(rss) / 1024 )) MB at start; ${SECONDS_TOTAL}s of mixed requests, $CONNECTIONS connections"
BODY_FILE="$WORK/body.json" PNG_FILE="$WORK/drawing.png" nice wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_TOTAL}s" --timeout 10s \
    -s "$HERE/soak.lua" "http://127.0.0.1:$PORT" > "$WORK/wrk.txt" 2>&1 &
WRK=$!
start=$(date +%s)
: > "$WORK/rss.txt"
while kill -0 $WRK 2>/dev/null; do
    kill -0 $SERVER 2>/dev/null || { echo "soak: FAILED: the server died"; cat "$WORK/server.log"; exit 1; }
    echo "$(( $(date +%s) - start )) $(rss)" >> "$WORK/rss.txt"
    sleep 5
done
wait $WRK || true
cat "$WORK/wrk.txt"
kill -0 $SERVER 2>/dev/null || { echo "soak: FAILED: the server died"; exit 1; }
python3 - "$WORK/rss.txt" "$WORK/wrk.txt" "$WARMUP" <<'PY'
import re, sys
samples = [tuple(map(int, line.split())) for line in open(sys.argv[1]) if len(line.split()) == 2]
text = open(sys.argv[2]).read()
warmup = int(sys.argv[3])
after = [(t, kb) for t, kb in samples if t >= warmup]
base = after[0][1]
peak = max(kb for _, kb in after)
end = after[-1][1]
status = re.search(r"SOAK_STATUS 2xx=(\d+) 4xx=(\d+) 5xx=(\d+) other=(\d+)", text)
ok2, c4, s5, other = map(int, status.groups())
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Socket errors: (.*)", text)
print(f"soak: {ok2 + c4 + s5 + other} requests ({rate:.0f}/s): 2xx {ok2}, 4xx {c4}, 5xx {s5}, other {other}; "
      f"socket errors: {errors.group(1) if errors else 'none'}")
print(f"soak: RSS {samples[0][1] / 1024:.1f} MB at start, {base / 1024:.1f} MB after the {warmup}s warm-up, "
      f"peak {peak / 1024:.1f} MB (+{100 * (peak - base) / base:.1f}%), {end / 1024:.1f} MB at the end "
      f"({len(samples)} samples every 5 s)")
ok = s5 == 0 and other == 0 and peak <= 1.10 * base
print("soak: passed" if ok else "soak: FAILED (needs no 5xx and RSS within 10% of its post-warm-up level)")
sys.exit(0 if ok else 1)
PY
