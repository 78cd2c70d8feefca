#!/usr/bin/env python3
"""Models swapped under load: the explorer answers every request from one consistent model.

    python3 tests/load/swap_stress.py BINARY MNIST_FOLDER [--seconds 30] [--clients 4]

Starts `descent serve` on loopback. Client threads predict, read weights, the top test images of
neurons in every layer and the confusion matrix, as fast as they can, while a trainer thread starts
one short training after another, each of another layer shape (784-16-16-10, 784-30-10,
784-8-8-8-10, 784-64-10), so that models of different sizes are swapped in while requests are in
flight. Requests for a layer or neuron the current model lacks may get 404; any 5xx, a dropped
connection or a dead server fails the run. Bounded in time and stops by itself.
"""
import argparse, json, random, socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

SHAPES = [[784, 16, 16, 10], [784, 30, 10], [784, 8, 8, 8, 10], [784, 64, 10]]

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("mnist")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="descent-swap-", suffix=".log", delete=False)
    server = subprocess.Popen([args.binary, "serve", "--data", args.mnist, "--port", str(port), "--train-epochs", "1"],
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def call(method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(base + path, method=method, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    deadline = time.time() + 120
    while True:
        try:
            if call("GET", "/api/model")[0] == 200:
                break
        except OSError:
            pass
        if time.time() > deadline or server.poll() is not None:
            sys.exit("swap_stress: the server did not start; see " + log.name)
        time.sleep(0.3)

    lock = threading.Lock()
    counts, failures, swaps = {}, [], [0]
    stop_at = time.time() + args.seconds

    def record(path, status):
        with lock:
            counts[status] = counts.get(status, 0) + 1
            if status >= 500:
                failures.append(f"{status} for {path}")

    def client(seed):
        rng = random.Random(seed)
        while time.time() < stop_at and not failures:
            kind = rng.randrange(5)
            if kind == 0:
                path, body, method = "/api/predict", {"pixels": [rng.random() if rng.random() < 0.2 else 0 for _ in range(784)]}, "POST"
            elif kind == 1:
                path, body, method = f"/api/weights/{rng.randint(1, 4)}", None, "GET"
            elif kind == 2:
                path, body, method = f"/api/weights/{rng.randint(1, 4)}/{rng.randrange(64)}/top?count=5", None, "GET"
            elif kind == 3:
                path, body, method = "/api/confusion", None, "GET"
            else:
                path, body, method = f"/api/confusion/{rng.randrange(10)}/{rng.randrange(10)}?count=3", None, "GET"
            try:
                status, _ = call(method, path, body)
            except OSError as error:
                with lock:
                    failures.append(f"{path}: {error}")
                return
            if status == 404 and path.startswith("/api/weights"):
                pass  # a layer or neuron the current model lacks
            elif status not in (200, 404):
                with lock:
                    failures.append(f"{status} for {path}")
            record(path, status)

    def trainer():
        index = 0
        while time.time() < stop_at and not failures:
            shape = SHAPES[index % len(SHAPES)]
            status, body = call("POST", "/api/train", {"layers": shape, "epochs": 1, "trainingLimit": 2000})
            if status != 202:
                with lock:
                    failures.append(f"POST /api/train {shape}: {status} {body[:200]!r}")
                return
            while time.time() < stop_at + 60:
                state = json.loads(call("GET", "/api/train")[1])["state"]
                if state != "running":
                    break
                time.sleep(0.05)
            if state != "finished":
                with lock:
                    failures.append(f"training {shape} ended {state}")
                return
            swaps[0] += 1
            index += 1

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(args.clients)] + [threading.Thread(target=trainer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    alive = server.poll() is None
    server.terminate()
    server.wait(timeout=30)
    total = sum(counts.values())
    print(f"swap_stress: {total} requests in {args.seconds:.0f} s while {swaps[0]} models of {len(SHAPES)} shapes were swapped in; "
          f"statuses {dict(sorted(counts.items()))}; server {'alive' if alive else 'DEAD'}")
    if not alive:
        failures.append("the server died; see " + log.name)
    if swaps[0] < 2:
        failures.append(f"only {swaps[0]} trainings finished: the swaps were not exercised")
    for failure in failures[:20]:
        print("FAIL", failure)
    print(f"swap_stress: {0 if failures else 1} passed, {1 if failures else 0} failed")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
