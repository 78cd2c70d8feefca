"""How fast is the machine right now? Two numbers printed on one line, to read beside the table.

- Python: nanoseconds per iteration of `for i in range(n): s += i` (interpreter speed, which
  bounds every peer's per-step overhead; about 25-40 ns on an unloaded Zen 3 core);
- sgemm: float32 GFLOP/s of numpy's 1024 x 1024 product on one thread (the BLAS peak the T
  configuration leans on).

Run with OPENBLAS_NUM_THREADS=1 in the environment (compare.sh does).
"""

import time

import numpy as np


def python_loop_ns(n=2_000_000):
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        s = 0
        for i in range(n):
            s += i
        best = min(best, (time.perf_counter() - t) / n * 1e9)
    return best


def sgemm_gflops(size=1024, repeats=5):
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    b = a.T.copy()
    a @ b
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * size ** 3 / best / 1e9


print(f"Python loop {python_loop_ns():.0f} ns/iteration, numpy sgemm {sgemm_gflops():.0f} GFLOP/s on one thread "
      f"(best of several)")
