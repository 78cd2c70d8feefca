#!/usr/bin/env bash
# The test suite under the sanitizers, each in its own build folder so the normal .build is kept:
#   AddressSanitizer (out-of-bounds, use-after-free, leaks at exit) over the whole suite, and
#   ThreadSanitizer (data races) over the suites that run the multithreaded kernels, and the web
#   explorer's, whose routes, state actor, training jobs and event streams run concurrently.
#
#   scripts/sanitize.sh [address|thread|all]      (default all)
#
# Too slow for CI's 30 minutes (two more full builds, and the tests run 2-20x slower): run it before
# each release, and after touching the kernels, the parsers or FileIO. Swift Testing's suites run in
# parallel, so TSan also sees the tests racing each other, as it should.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
export DESCENT_TEST_MNIST="${DESCENT_TEST_MNIST:-$(cd .. && pwd)/shared/mnist}"
mkdir -p .build-asan .build-tsan  # tee opens its log before swift test creates the folder

if [ "$which" = address ] || [ "$which" = all ]; then
    echo "== AddressSanitizer: the whole suite (.build-asan)"
    # Leaks are checked at exit (LeakSanitizer); those in libcurl and Foundation are suppressed.
    LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
        nice swift test --scratch-path .build-asan --sanitize=address --disable-xctest 2>&1 \
        | tee .build-asan/test.log | tail -n 40  # the whole report in .build-asan/test.log; pipefail fails the script
fi
if [ "$which" = thread ] || [ "$which" = all ]; then
    echo "== ThreadSanitizer: LinearAlgebra and NeuralNetwork (multithreaded matmul), Training, Explorer (.build-tsan)"
    nice swift test --scratch-path .build-tsan --sanitize=thread --disable-xctest \
        --filter 'DescentLinearAlgebraTests|DescentNetworkTests|DescentTrainingTests|DescentExplorerTests' 2>&1 \
        | tee .build-tsan/test.log | tail -n 40  # the whole report in .build-tsan/test.log
fi
echo "== sanitizers passed"
