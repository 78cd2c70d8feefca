#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for a given time.
#
#   fuzz/run.sh TARGET SECONDS [more libFuzzer options]      run it; -jobs=1 keeps it on one core
#   fuzz/run.sh TARGET --build-only
#   fuzz/run.sh TARGET INPUT_FILE...                          runs the target on those inputs once
#
# TARGET: idx, safetensors, png, predict, jpeg, csv, checkpoint or bodies (the JSON bodies of
# /api/train, /api/step and /api/fine-tune).
#
# Built with `-sanitize=fuzzer,address` (release, so that it runs fast; -enable-testing, so that the
# bodies target can reach the explorer's internal request types) into .build-fuzz, never the main
# package's .build. It starts from the seed corpus in fuzz/corpus/TARGET (left as committed) and
# keeps what it learns in .build-fuzz/corpus/TARGET. A crash, a leak, an allocation over 512 MB
# (-malloc_limit_mb: no 8 KB input justifies one) or a run slower than 10 s leaves its input in
# fuzz/regressions/TARGET/, where the test suite's FuzzInputTests replay it: fix the code until they
# pass, and commit the input with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
targets="idx, safetensors, png, predict, jpeg, csv, checkpoint or bodies"
target="${1:?usage: fuzz/run.sh TARGET SECONDS|--build-only|INPUT... (TARGET: $targets)}"
shift
case "$target" in
    idx) product=FuzzIDX ;;
    safetensors) product=FuzzSafetensors ;;
    png) product=FuzzPNG ;;
    predict) product=FuzzPredict ;;
    jpeg) product=FuzzJPEG ;;
    csv) product=FuzzCSV ;;
    checkpoint) product=FuzzCheckpoint ;;
    bodies) product=FuzzBodies ;;
    *) echo "fuzz/run.sh: unknown target '$target'; expected $targets" >&2; exit 2 ;;
esac
scratch="$PWD/.build-fuzz"
nice swift build --package-path fuzz --scratch-path "$scratch" -c release --product "$product" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
    -Xswiftc -use-ld=lld >&2  # gold crashed linking these (dwarf_reader.cc:2713)
binary="$scratch/release/$product"
[ "${1:-}" = "--build-only" ] && { echo "$binary"; exit 0; }
options=(-malloc_limit_mb=512 -rss_limit_mb=2048 -timeout=10 -max_len=8192 -print_final_stats=1)
if [ -f "${1:-}" ]; then
    exec "$binary" "${options[@]}" "$@"
fi
seconds="${1:?give the number of seconds to fuzz}"
shift
mkdir -p "$scratch/corpus/$target" "fuzz/regressions/$target"
exec nice "$binary" "${options[@]}" -max_total_time="$seconds" -artifact_prefix="fuzz/regressions/$target/" \
    "$@" "$scratch/corpus/$target" "fuzz/corpus/$target"
