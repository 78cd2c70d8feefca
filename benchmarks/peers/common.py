"""Shared by the Python peers: arguments, thread limits, MNIST loading, timing and the JSON line.

Import this module and call `setup()` BEFORE importing numpy, jax or torch: the thread limits are
environment variables that the libraries read once, when they load.

Every peer trains the same three configurations:

  S  784-16-16-10, sigmoid everywhere, quadratic cost C = (1/2n) sum ||y - a||^2, plain SGD,
     batch 10, learning rate 3.0, weights N(0, 1/fan_in), biases N(0, 1)
  N  784-30-10, the same recipe
  T  784-256-128-10, ReLU, softmax + cross-entropy, Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8),
     batch 128, He init: weights N(0, 2/fan_in), biases 0

on the first 50,000 training images (pixels / 255 as float32), shuffled every epoch, and evaluates
on the 10,000 test images afterwards. The initial parameters and the shuffling order come from one
numpy generator seeded with --seed, so every peer starts from the same weights and sees the
examples in the same order.
"""

import argparse
import gzip
import json
import os
import resource
import statistics
import struct
import sys
import time

TRAIN_COUNT = 50_000

CONFIGS = {
    "S": dict(sizes=[784, 16, 16, 10], hidden="sigmoid", output="sigmoid", cost="quadratic",
              optimizer="sgd", batch=10, lr=3.0, init="scaled-normal"),
    "N": dict(sizes=[784, 30, 10], hidden="sigmoid", output="sigmoid", cost="quadratic",
              optimizer="sgd", batch=10, lr=3.0, init="scaled-normal"),
    "T": dict(sizes=[784, 256, 128, 10], hidden="relu", output="softmax", cost="cross-entropy",
              optimizer="adam", batch=128, lr=1e-3, init="he"),
    # W: T's recipe on mlp99's 784-800-800-10 layers, where the time is in the products.
    "W": dict(sizes=[784, 800, 800, 10], hidden="relu", output="softmax", cost="cross-entropy",
              optimizer="adam", batch=128, lr=1e-3, init="he"),
}

ADAM = dict(beta1=0.9, beta2=0.999, eps=1e-8)

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                     "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def setup(peer, configs=("S", "N", "T", "W"), extra=None):
    """Parses the arguments and sets the thread limits. Returns the argparse namespace."""
    parser = argparse.ArgumentParser(description=f"{peer} peer for Descent's benchmark")
    parser.add_argument("data", help="folder holding the four MNIST .gz IDX files")
    parser.add_argument("--config", choices=list(configs), default=configs[0])
    parser.add_argument("--threads", type=int, choices=[1, 2], default=1)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-pin", action="store_true",
                        help="do not restrict the process to --threads CPUs (sched_setaffinity)")
    if extra:
        extra(parser)
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    threads = str(args.threads)
    for name in _THREAD_VARIABLES:
        os.environ[name] = threads
    # XLA (JAX). These are the flags commonly given for one thread. In jax 0.10 they do not hold
    # XLA:CPU to one core (a T run used 1.6 cores with them), hence the pinning below.
    if args.threads == 1:
        flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " " + flags).strip()
    # Pin the process to --threads CPUs (like `taskset`), so that no library's helper threads can
    # use more cores than the figure claims. Set before the libraries start their threads.
    allowed = sorted(os.sched_getaffinity(0))
    if not args.no_pin and args.threads < len(allowed):
        os.sched_setaffinity(0, allowed[:args.threads])
    args.cpus = sorted(os.sched_getaffinity(0))
    args.peer = peer
    args.spec = CONFIGS[args.config]
    return args


def load_mnist(folder):
    """Returns (train_x uint8 [50000, 784], train_y uint8 [50000], test_x, test_y) as numpy arrays."""
    import numpy as np

    def idx(name, rank):
        with gzip.open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        zero, dtype, dims = struct.unpack(">HBB", data[:4])
        if zero != 0 or dtype != 0x08 or dims != rank:
            raise SystemExit(f"{name}: not an IDX file of unsigned bytes with {rank} dimensions")
        shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
        array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
        if array.size != int(np.prod(shape)):
            raise SystemExit(f"{name}: {array.size} bytes of data for dimensions {shape}")
        return array.reshape(shape[0], -1) if rank == 3 else array

    train_x = idx("train-images-idx3-ubyte.gz", 3)
    train_y = idx("train-labels-idx1-ubyte.gz", 1)
    test_x = idx("t10k-images-idx3-ubyte.gz", 3)
    test_y = idx("t10k-labels-idx1-ubyte.gz", 1)
    if train_x.shape != (60000, 784) or test_x.shape != (10000, 784):
        raise SystemExit(f"unexpected MNIST shapes {train_x.shape} {test_x.shape}")
    return train_x[:TRAIN_COUNT], train_y[:TRAIN_COUNT], test_x, test_y


def as_float(pixels):
    import numpy as np
    return (pixels.astype(np.float32) / np.float32(255.0))


def one_hot(labels):
    import numpy as np
    y = np.zeros((labels.shape[0], 10), dtype=np.float32)
    y[np.arange(labels.shape[0]), labels] = 1.0
    return y


def initial_parameters(spec, seed):
    """Weights as float32 [fan_in, fan_out] (so a batch's z = x @ W + b) and biases [fan_out]."""
    import numpy as np
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for fan_in, fan_out in zip(spec["sizes"][:-1], spec["sizes"][1:]):
        if spec["init"] == "scaled-normal":
            w = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
            b = rng.standard_normal(fan_out)
        elif spec["init"] == "he":
            w = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
            b = np.zeros(fan_out)
        else:
            raise ValueError(spec["init"])
        weights.append(w.astype(np.float32))
        biases.append(b.astype(np.float32))
    return weights, biases


def permutations(seed, epochs, n=TRAIN_COUNT):
    """The shuffling order of each epoch, drawn up front (the same for every peer)."""
    import numpy as np
    rng = np.random.default_rng(seed + 1_000_003)
    return [rng.permutation(n) for _ in range(epochs)]


class EpochTimer:
    """Wall and CPU seconds of each epoch (CPU time is the whole process's, all threads)."""

    def __init__(self):
        self.wall, self.cpu = [], []

    def start(self):
        self._w, self._c = time.perf_counter(), time.process_time()

    def stop(self):
        self.wall.append(time.perf_counter() - self._w)
        self.cpu.append(time.process_time() - self._c)


def blas_info():
    """What threadpoolctl sees loaded in this process (BLAS / OpenMP libraries and their kernels)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    found = []
    for lib in threadpool_info():
        entry = {"api": lib.get("internal_api"), "threads": lib.get("num_threads"),
                 "version": lib.get("version")}
        if lib.get("architecture"):
            entry["kernel"] = lib["architecture"]
        found.append(entry)
    return found


def report(args, timer, accuracy, extra=None, blas=True):
    """Prints the one JSON line."""
    wall = timer.wall
    steady = wall[1:] if len(wall) > 1 else wall
    cpu_steady = timer.cpu[1:] if len(timer.cpu) > 1 else timer.cpu
    per_epoch = statistics.median(steady)
    line = {
        "peer": args.peer,
        "config": args.config,
        "threads": args.threads,
        "seconds_per_epoch": round(per_epoch, 5),
        "first_epoch_seconds": round(wall[0], 5),
        "epochs": len(wall),
        "examples_per_second": round(TRAIN_COUNT / per_epoch, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "test_accuracy": round(float(accuracy), 4),
        # CPU seconds / wall seconds over the timed epochs after the first: ~1.0 means one core busy.
        "cpu_utilization": round(sum(cpu_steady) / sum(steady), 2),
        "epoch_seconds": [round(t, 4) for t in wall],
        "cpus": args.cpus,
    }
    if extra:
        line.update(extra)
    if blas:
        line["blas"] = blas_info()
    print(json.dumps(line), flush=True)
    sys.stdout.flush()
