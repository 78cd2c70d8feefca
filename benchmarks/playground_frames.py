#!/usr/bin/env python3
"""The Playground's floors, measured as the page trains: frames a second, and accuracy within 5 s.

Starts `descent serve` on a free loopback port and, over one keep-alive connection (as the page's
fetch keeps one), plays the Playground as the page does: POST /api/playground/train with
{"milliseconds": 40} again and again, each answer a binary DPF1 frame checked to its last byte.

1. Frames a second while training 2-16-16-4 (4-class blobs) with a 100x100 map and every hidden
   neuron's map (32 maps) in each frame, over --seconds seconds.
2. 2-class spirals (1,000 points, noise 0.1, 30% held out): the test accuracy after each second of
   live training, up to 5 s of wall time from the first Play.
3. 4-class blobs (1,000 points, noise 0.1): the same.

    python3 benchmarks/playground_frames.py BINARY MNIST_FOLDER [--seconds 10] [--json OUT]

It prints the CPU (lscpu's model name) and the load average (uptime) before and after, as the floors
are reported with them. The server is started with --train-epochs 1 (it needs a served model).
"""
import argparse
import http.client
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "support"))
import explorer_server  # noqa: E402


def decode(body):
    """The JSON part of a DPF1 frame and its six counts, after checking that the sizes add up."""
    if body[:4] != b"DPF1":
        raise SystemExit(f"not a DPF1 frame: {body[:200]!r}")
    (length,) = struct.unpack_from("<I", body, 4)
    frame = json.loads(body[8:8 + length])
    at = (8 + length + 3) & ~3
    width, height, maps, classes, weights, points = struct.unpack_from("<6I", body, at)
    cells = width * height
    expected = at + 24 + 4 * (2 * maps + weights + 2 * points) + cells * (2 + maps) + 2 * points
    if len(body) != expected:
        raise SystemExit(f"a frame of {len(body)} bytes where its counts make {expected}")
    return frame, (width, height, maps, classes, weights, points)


class Playground:
    def __init__(self, port, token):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = token
        self.session = None

    def post(self, path, body):
        self.connection.request("POST", path, body=json.dumps(body),
                                headers={"Content-Type": "application/json", "X-Descent-Token": self.token})
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status} {data[:300]!r}")
        frame, counts = decode(data)
        self.session = frame["session"]
        return frame, counts, len(data)

    def setup(self, shape, classes, hidden, grid=100, **network):
        return self.post("/api/playground", {
            "data": {"shape": shape, "classes": classes, "points": 1000, "noise": 0.1, "seed": 0, "testShare": 0.3},
            "network": {"hidden": hidden, "activation": "tanh", "learningRate": 0.03, "batchSize": 10, "optimizer": "adam", **network},
            "grid": grid})

    def frame(self, milliseconds=40):
        return self.post("/api/playground/train", {"session": self.session, "milliseconds": milliseconds})


def machine():
    model = subprocess.run("lscpu | grep 'Model name'", shell=True, capture_output=True, text=True).stdout.strip()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return model, load


def frame_rate(playground, seconds):
    _, counts, _ = playground.setup("blobs", 4, [16, 16], grid=100)
    times, sizes = [], []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        before = time.perf_counter()
        frame, counts, size = playground.frame()
        times.append(time.perf_counter() - before)
        sizes.append(size)
    elapsed = time.perf_counter() - start
    times.sort()
    return {"network": "2-16-16-4", "map": f"{counts[0]}x{counts[1]}", "neuron_maps": counts[2], "frames": len(times),
            "seconds": round(elapsed, 2), "frames_per_second": round(len(times) / elapsed, 2),
            "median_ms": round(1000 * times[len(times) // 2], 1), "p95_ms": round(1000 * times[int(len(times) * 0.95)], 1),
            "bytes_per_frame": sizes[0], "steps": frame["steps"], "test_accuracy": frame["test"]["accuracy"]}


def floor(playground, shape, classes, hidden, seconds=5.0):
    playground.setup(shape, classes, hidden)
    start, marks, frames = time.perf_counter(), [], 0
    next_mark = 1.0
    while True:
        frame, _, _ = playground.frame()
        frames += 1
        elapsed = time.perf_counter() - start
        if elapsed >= next_mark or elapsed >= seconds:
            marks.append({"seconds": round(elapsed, 2), "steps": frame["steps"], "test_accuracy": frame["test"]["accuracy"]})
            next_mark += 1.0
        if elapsed >= seconds:
            break
    best = next((m for m in marks if m["test_accuracy"] >= 0.95), None)
    return {"set": f"{shape}, {classes} classes, 1000 points, noise 0.1", "network": f"2-{'-'.join(map(str, hidden))}-{classes}",
            "frames": frames, "marks": marks, "final_test_accuracy": marks[-1]["test_accuracy"],
            "first_at_95": best["seconds"] if best else None}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("mnist")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument("--min-fps", type=float, default=None, help="exit 1 below this many frames a second")
    arguments = parser.parse_args()
    cpu, load_before = machine()
    print(cpu)
    print("before:", load_before)
    log = tempfile.NamedTemporaryFile(prefix="playground-serve-", suffix=".log", delete=False).name
    process, port, token, _ = explorer_server.start(arguments.binary, ["--data", arguments.mnist, "--train-epochs", "1"], log)
    try:
        playground = Playground(port, token)
        rate = frame_rate(playground, arguments.seconds)
        print(f"frames: {rate['frames_per_second']} a second ({rate['frames']} in {rate['seconds']} s) for {rate['network']}, "
              f"{rate['map']} map and {rate['neuron_maps']} neuron maps, {rate['bytes_per_frame']} bytes a frame, "
              f"median {rate['median_ms']} ms, p95 {rate['p95_ms']} ms")
        spirals = floor(playground, "spirals", 2, [16, 16])
        blobs = floor(playground, "blobs", 4, [16, 16])
        for result in (spirals, blobs):
            print(f"{result['set']} ({result['network']}): test accuracy "
                  + ", ".join(f"{100 * m['test_accuracy']:.1f}% at {m['seconds']} s" for m in result["marks"])
                  + f"; first at 95% or more: {result['first_at_95']} s")
    finally:
        process.terminate()
        process.wait(timeout=30)
    _, load_after = machine()
    print("after:", load_after)
    results = {"cpu": cpu, "load_before": load_before, "load_after": load_after, "frames": rate, "spirals": spirals, "blobs": blobs}
    if arguments.json:
        with open(arguments.json, "w") as out:
            json.dump(results, out, indent=2)
    if arguments.min_fps is not None and rate["frames_per_second"] < arguments.min_fps:
        print(f"below {arguments.min_fps} frames a second")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
