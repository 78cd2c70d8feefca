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
import argparse, json, os, random, sys, tempfile, threading, time, urllib.error, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402

SHAPES = [[784, 16, 16, 10], [784, 30, 10], [784, 8, 8, 8, 10], [784, 64, 10]]

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("mnist")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    log = tempfile.NamedTemporaryFile(prefix="descent-swap-", suffix=".log", delete=False)
    server, port, _, teacher = explorer_server.start(args.binary, ["--data", args.mnist, "--train-epochs", "1"], log.name)
    base = f"http://127.0.0.1:{port}"

    def call(method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(base + path, method=method, data=data,
                                         headers={"Content-Type": "application/json", "X-Descent-Token": teacher})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    lock = threading.Lock()
    counts, failures, swaps = {}, [], [0]
    # One consistent model: every prediction's layer sizes must be those of the model served under its
    # version (the trainer records each version's sizes as it is swapped in), never a mix of two.
    first = json.loads(call("GET", "/api/model")[1])
    served = {first["version"]: first["sizes"]}
    answered = []  # (modelVersion, the sizes the answer's activations have)
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
                status, answer = call(method, path, body)
            except OSError as error:
                with lock:
                    failures.append(f"{path}: {error}")
                return
            if status == 404 and path.startswith("/api/weights"):
                pass  # a layer or neuron the current model lacks
            elif status not in (200, 404):
                with lock:
                    failures.append(f"{status} for {path}")
            if status == 200 and path == "/api/predict":
                prediction = json.loads(answer)
                with lock:
                    answered.append((prediction["modelVersion"], [784] + [len(layer) for layer in prediction["activations"]]))
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
            model = json.loads(call("GET", "/api/model")[1])
            with lock:
                served[model["version"]] = model["sizes"]
            if model["sizes"] != shape:
                with lock:
                    failures.append(f"after training {shape} the server serves {model['sizes']} (version {model['version']})")
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
    mixed = [(version, sizes) for version, sizes in answered if served.get(version) != sizes]
    if mixed:
        failures.append(f"{len(mixed)} of {len(answered)} predictions do not match the model served under their version, "
                        f"e.g. version {mixed[0][0]} answered with sizes {mixed[0][1]}, served {served.get(mixed[0][0])}")
    versions = {version for version, _ in answered}
    if len(versions) < 2:
        failures.append(f"the predictions saw {len(versions)} model version(s): the swaps were not exercised under load")
    total = sum(counts.values())
    print(f"swap_stress: {total} requests in {args.seconds:.0f} s while {swaps[0]} models of {len(SHAPES)} shapes were swapped in; "
          f"{len(answered)} predictions from {len(versions)} versions, {len(answered) - len(mixed)} matching their version's sizes; "
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
