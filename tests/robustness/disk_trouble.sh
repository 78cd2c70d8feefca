#!/usr/bin/env bash
# Disk trouble: `descent train --out` onto a full file system and into a read-only folder must fail
# with one clear error line naming the file, a non-zero exit, and the old model untouched (and no
# temporary file left behind).
#
#   tests/robustness/disk_trouble.sh BINARY MNIST_FOLDER
#
# As root it mounts two small tmpfs (one filled up, one remounted read-only); as another user it
# uses a folder without write permission for the read-only case and skips the full disk, saying so;
# as root without permission to mount, it skips both, saying so.
set -euo pipefail
BIN=$1; DATA=$2
WORK=$(mktemp -d)
MOUNTS=()
cleanup() { for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || true; done; chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
TRAIN=(train --data "$DATA" --epochs 1 --train-limit 200 --seed 1)
"$BIN" "${TRAIN[@]}" --out "$WORK/old.safetensors" > /dev/null 2>&1
OLD=$(sha256sum < "$WORK/old.safetensors")
failures=0

# check NAME FOLDER: trains into FOLDER/model.safetensors, which holds the old model.
check() {
    local name=$1 folder=$2 model="$2/model.safetensors" status=0
    "$BIN" "${TRAIN[@]}" --seed 2 --out "$model" > "$WORK/$name.out" 2> "$WORK/$name.err" || status=$?
    local lines; lines=$(grep -c . "$WORK/$name.err" || true)
    echo "disk_trouble: $name: exit $status; stderr: $(cat "$WORK/$name.err")"
    local ok=1
    [ "$status" -ne 0 ] || { echo "  FAILED: exit status 0"; ok=0; }
    [ "$lines" -eq 1 ] || { echo "  FAILED: $lines lines on stderr, expected one"; ok=0; }
    grep -qF "$model" "$WORK/$name.err" || { echo "  FAILED: the error does not name $model"; ok=0; }
    [ "$(sha256sum < "$model")" = "$OLD" ] || { echo "  FAILED: the old model changed"; ok=0; }
    local left; left=$(find "$folder" -name '.model.safetensors.*' | wc -l)
    [ "$left" -eq 0 ] || { echo "  FAILED: $left temporary files left"; ok=0; }
    [ $ok -eq 1 ] && echo "  ok: non-zero exit, one line naming the file, old model untouched, no temporary file" || failures=$((failures + 1))
}

if [ "$(id -u)" -eq 0 ] && mkdir "$WORK/full" && mount -t tmpfs -o size=128k tmpfs "$WORK/full" 2>/dev/null; then
    MOUNTS+=("$WORK/full")
    cp "$WORK/old.safetensors" "$WORK/full/model.safetensors"
    # Fill what is left, so that not even a few kilobytes more fit.
    dd if=/dev/zero of="$WORK/full/filler" bs=4k 2>/dev/null || true
    check "full disk" "$WORK/full"

    mkdir "$WORK/readonly" && mount -t tmpfs -o size=256k tmpfs "$WORK/readonly"
    MOUNTS+=("$WORK/readonly")
    cp "$WORK/old.safetensors" "$WORK/readonly/model.safetensors"
    mount -o remount,ro "$WORK/readonly"
    check "read-only file system" "$WORK/readonly"
elif [ "$(id -u)" -eq 0 ]; then
    # Root ignores permissions, so without mount there is no read-only destination to try.
    echo "disk_trouble: SKIPPED both checks: running as root without permission to mount a tmpfs (CAP_SYS_ADMIN);"
    echo "disk_trouble: the Swift suite's AtomicWriteTests still simulate a full disk"
    exit 0
else
    echo "disk_trouble: SKIPPED the full disk: needs root and permission to mount a tmpfs"
    mkdir "$WORK/readonly"
    cp "$WORK/old.safetensors" "$WORK/readonly/model.safetensors"
    chmod 555 "$WORK/readonly"
    check "read-only folder" "$WORK/readonly"
fi
[ $failures -eq 0 ] && echo "disk_trouble: passed" || { echo "disk_trouble: $failures checks FAILED"; exit 1; }
