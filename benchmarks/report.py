"""Turns compare.sh's raw results into Markdown tables.

Input: a TSV file whose lines are
  round <TAB> peer <TAB> config <TAB> threads <TAB> rc <TAB> busy <TAB> json
(busy: the cores other processes kept busy just before the run; json: the run's one JSON line, or
empty when the run failed). Standard library only.
"""

import json
import os
import statistics
import sys

PEER_ORDER = ["descent", "descent-bf16", "descent-avx2", "descent-portable", "numpy", "jax", "jax-unpinned", "jax-scan",
              "torch", "torch-bf16", "sklearn", "nielsen"]
PEER_TITLES = {"descent": "Descent", "descent-bf16": "Descent, bf16 products", "torch-bf16": "PyTorch, bf16 autocast", "descent-avx2": "Descent, AVX2 kernels", "descent-portable": "Descent, portable kernels",
               "numpy": "numpy", "jax": "JAX (jit per step)",
               "jax-scan": "JAX (lax.scan per epoch)",
               "jax-unpinned": "JAX (XLA 1-thread flags, unpinned)", "torch": "PyTorch", "sklearn": "scikit-learn",
               "nielsen": "Nielsen-style loop"}


def load(path):
    runs = {}  # (config, threads) -> peer -> list of parsed lines
    failures = []
    busy_runs = []  # the other processes' busy cores before each run that found them over 0.2
    with open(path) as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if not raw:
                continue
            parts = raw.split("\t", 6)
            if len(parts) < 7:
                continue
            rnd, peer, config, threads, rc, busy, line = parts
            try:
                if float(busy) > 0.2:
                    busy_runs.append(float(busy))
            except ValueError:
                pass
            key = (config, int(threads))
            try:
                data = json.loads(line) if line else None
            except json.JSONDecodeError:
                data = None
            if rc != "0" or not data or "seconds_per_epoch" not in data:
                failures.append(f"round {rnd}: {peer} {config} {threads} thread(s) failed (exit {rc})")
                continue
            runs.setdefault(key, {}).setdefault(peer, []).append(data)
    return runs, failures, busy_runs


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_seconds(s):
    if s is None:
        return "n/a"
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"


def jax_best(by_peer):
    """The faster of JAX's two forms in a row, as (seconds, title), or None."""
    forms = [(med(r["seconds_per_epoch"] for r in by_peer.get(p, [])), t)
             for p, t in (("jax", "jit per step"), ("jax-scan", "lax.scan"))]
    forms = [f for f in forms if f[0] is not None]
    return min(forms) if forms else None


def strongest(by_peer):
    """The fastest peer of a row other than Descent (JAX in its faster form), as (seconds, title), or None."""
    found = []
    for p in PEER_ORDER:
        if p.startswith("descent") or p in ("jax", "jax-scan", "jax-unpinned"):
            continue
        s = med(r["seconds_per_epoch"] for r in by_peer.get(p, []))
        if s is not None:
            found.append((s, PEER_TITLES.get(p, p)))
    best_jax = jax_best(by_peer)
    if best_jax:
        found.append((best_jax[0], f"JAX ({best_jax[1]})"))
    return min(found) if found else None


def machine_line(runs):
    """The CPU and its vector extensions (from compare.sh) and the kernel family Descent's runs reported."""
    kernels = sorted({r.get("kernel") or "not reported" for by_peer in runs.values() for r in by_peer.get("descent", [])})
    line = os.environ.get("DESCENT_MACHINE", "CPU: not given")
    print(f"{line}; Descent's kernel: {', '.join(kernels) or 'no Descent run'}.")
    print()


def main():
    path = sys.argv[1]
    runs, failures, busy_runs = load(path)
    peers = [p for p in PEER_ORDER if any(p in by_peer for by_peer in runs.values())]
    keys = sorted(runs, key=lambda k: ("SNTWM".index(k[0]) if k[0] in "SNTWM" else 9, k[1]))
    header = "| config | threads | " + " | ".join(PEER_TITLES.get(p, p) for p in peers) + " |"
    rule = "|---|---|" + "---|" * len(peers)
    has_jax = any(p in peers for p in ("jax", "jax-scan"))

    print("### Seconds per epoch (median over rounds) and peer / Descent")
    print()
    machine_line(runs)
    print(header + (" JAX, the faster |" if has_jax else "") + " strongest peer |")
    print(rule + ("---|" if has_jax else "") + "---|")
    for key in keys:
        by_peer = runs[key]
        base = med(r["seconds_per_epoch"] for r in by_peer.get("descent", []))
        cells = []
        for p in peers:
            rs = by_peer.get(p, [])
            s = med(r["seconds_per_epoch"] for r in rs)
            # A one-thread run that got well under one core of CPU time was kept waiting.
            mark = "†" if key[1] == 1 and any((r.get("cpu_utilization") or 1) < 0.9 for r in rs) else ""
            if s is None:
                cells.append("—")
            elif p == "descent" or base is None:
                cells.append(fmt_seconds(s) + mark)
            else:
                cells.append(f"{fmt_seconds(s)}{mark} ({s / base:.1f}x)")
        if has_jax:
            best = jax_best(by_peer)
            cells.append("—" if best is None else
                         f"{fmt_seconds(best[0])} {best[1]}" + (f" ({best[0] / base:.1f}x)" if base else ""))
        top = strongest(by_peer)
        cells.append("—" if top is None else f"{top[1]} ({top[0] / base:.1f}x)" if base else top[1])
        print(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")
    print()
    print("The ratio is the peer's seconds per epoch over Descent's: above 1 means Descent is faster. "
          "† a one-thread run of this cell got under 0.9 cores of CPU time: it waited for the CPU "
          "(other work on the machine), so its time is inflated.")
    print()

    print("### Peak RSS (MB) · test accuracy · first epoch (s) · CPU utilisation")
    print()
    machine_line(runs)
    print(header)
    print(rule)
    for key in keys:
        by_peer = runs[key]
        cells = []
        for p in peers:
            rs = by_peer.get(p, [])
            if not rs:
                cells.append("—")
                continue
            rss = med(r.get("peak_rss_mb") for r in rs)
            acc = med(r.get("test_accuracy") for r in rs)
            first = med(r.get("first_epoch_seconds") for r in rs)
            util = med(r.get("cpu_utilization") for r in rs)
            parts = [f"{rss:.0f} MB" if rss is not None else "? MB",
                     f"{100 * acc:.1f}%" if acc is not None else "?",
                     f"{fmt_seconds(first)} s" if first is not None else "?"]
            if util is not None:
                parts.append(f"{util:.2f}")
            cells.append(" · ".join(parts))
        print(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")
    print()
    print("CPU utilisation: the process's CPU seconds over wall seconds in the timed epochs "
          "(1.00 = one core busy); Descent's line may not carry it.")
    print()

    rounds = {}
    for by_peer in runs.values():
        for p, rs in by_peer.items():
            rounds[p] = max(rounds.get(p, 0), len(rs))
    epochs = sorted({r.get("epochs") for by_peer in runs.values() for rs in by_peer.values()
                     for r in rs if r.get("epochs")})
    print(f"Rounds per peer: {', '.join(f'{p} {n}' for p, n in sorted(rounds.items()))}; "
          f"epochs per run: {', '.join(map(str, epochs)) or '?'}.")

    kernels = {}
    versions = {}
    for by_peer in runs.values():
        for p, rs in by_peer.items():
            for r in rs:
                for lib in r.get("blas", []) or []:
                    if lib.get("api") == "openmp":
                        continue
                    desc = f"{lib.get('api')} {lib.get('version')}"
                    if lib.get("kernel"):
                        desc += f" ({lib['kernel']} kernel)"
                    kernels.setdefault(p, set()).add(desc)
                for name in ("numpy", "jax", "torch", "sklearn"):
                    if r.get(name):
                        versions.setdefault(p, set()).add(f"{name} {r[name]}")
    if kernels:
        print()
        print("BLAS that threadpoolctl saw loaded in each Python peer:")
        for p in peers:
            if p in kernels:
                print(f"- {p}: {'; '.join(sorted(kernels[p]))}")
    if versions:
        print()
        print("Versions: " + "; ".join(f"{p}: {', '.join(sorted(v))}" for p, v in sorted(versions.items())))
    stubs = sorted({p for by_peer in runs.values() for p, rs in by_peer.items()
                    for r in rs if r.get("stub")})
    if stubs:
        print()
        print(f"WARNING: the figures of {', '.join(stubs)} come from a STUB, not a measurement.")
    total = sum(len(rs) for by_peer in runs.values() for rs in by_peer.values()) + len(failures)
    if busy_runs:
        print()
        print(f"{len(busy_runs)} of {total} runs started while other processes kept more than 0.2 "
              f"cores busy (median {statistics.median(busy_runs):.2f} cores): their timings are "
              "inflated by the sharing.")
    if failures:
        print()
        print("Failed runs (left out of the tables):")
        for line in failures:
            print(f"- {line}")


if __name__ == "__main__":
    main()
