#!/usr/bin/env python3
"""The web's training and `descent train` give the same model.

    python3 tests/consistency/web_matches_cli.py BINARY MNIST_FOLDER

For each case, trains with `descent train` and through `POST /api/train` on a `descent serve` on
loopback, downloads the served model (`GET /api/model/file`) and compares the two files: every tensor
byte for byte, and the metadata keys that say how the model was made (preprocessing, augmentation,
the data's SHA-256, the test accuracy). Exits non-zero on the first difference.
"""
import json, os, socket, struct, subprocess, sys, tempfile, time, urllib.request

CASES = [
    # The video's recipe, on a subset.
    ("video", {"preset": "video", "epochs": 2, "trainingLimit": 3000}, ["--preset", "video", "--epochs", "2", "--train-limit", "3000"]),
    # Deskewed and augmented: the preprocessing and the distortions must be the command line's.
    ("video-best, deskewed and augmented", {"preset": "video-best", "epochs": 2, "trainingLimit": 3000, "shift": 1, "rotation": 5, "dropout": 0.1},
     ["--preset", "video-best", "--epochs", "2", "--train-limit", "3000", "--shift", "1", "--rotation", "5", "--dropout", "0.1"]),
]
COMPARED_KEYS = ["layers", "preprocessing", "augmentation", "dropout", "optimizer", "schedule", "seed", "training_sha256",
                 "training_examples", "epochs_completed", "validation_accuracy", "test_accuracy", "dataset"]

def read_safetensors(data):
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    start = 8 + length
    tensors = {name: data[start + info["data_offsets"][0]:start + info["data_offsets"][1]] for name, info in header.items()}
    return tensors, metadata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402

TOKEN = {}

def call(port, method, path, body=None):
    """A request with the token the server printed (training is the teacher's; on loopback the page's token is)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "X-Descent-Token": TOKEN.get("teacher", "")})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()

def main():
    binary, mnist = sys.argv[1], sys.argv[2]
    folder = tempfile.mkdtemp(prefix="descent-consistency-")
    server, port, _, TOKEN["teacher"] = explorer_server.start(binary, ["--data", mnist, "--train-epochs", "1"],
                                                             os.path.join(folder, "serve.log"))
    failures = []
    try:
        for name, body, options in CASES:
            out = os.path.join(folder, "cli.safetensors")
            subprocess.run([binary, "train", "--data", mnist, "--out", out, "--json"] + options, check=True, stdout=subprocess.DEVNULL)
            cli_tensors, cli_metadata = read_safetensors(open(out, "rb").read())
            call(port, "POST", "/api/train", body)
            while json.loads(call(port, "GET", "/api/train"))["state"] == "running":
                time.sleep(0.2)
            status = json.loads(call(port, "GET", "/api/train"))
            if status["state"] != "finished":
                failures.append(f"{name}: the web's training ended {status['state']}: {status.get('message')}")
                continue
            web_tensors, web_metadata = read_safetensors(call(port, "GET", "/api/model/file"))
            if sorted(web_tensors) != sorted(cli_tensors):
                failures.append(f"{name}: tensors {sorted(web_tensors)} on the web, {sorted(cli_tensors)} on the command line")
            for tensor in sorted(cli_tensors):
                if web_tensors.get(tensor) != cli_tensors[tensor]:
                    failures.append(f"{name}: tensor {tensor} differs")
            for key in COMPARED_KEYS:
                if web_metadata.get(key) != cli_metadata.get(key):
                    failures.append(f"{name}: metadata {key} is {web_metadata.get(key)!r} on the web, {cli_metadata.get(key)!r} on the command line")
            print(f"web_matches_cli: {name}: {len(cli_tensors)} tensors identical, test accuracy "
                  f"{float(cli_metadata['test_accuracy']):.2%} both, preprocessing {cli_metadata['preprocessing']}"
                  if not failures else f"web_matches_cli: {name}: differences found")
    finally:
        server.terminate()
        server.wait(timeout=30)
    for failure in failures:
        print("FAIL", failure)
    print(f"web_matches_cli: {len(CASES) - len({f.split(':')[0] for f in failures})} passed, {len({f.split(':')[0] for f in failures})} failed")
    sys.exit(1 if failures else 0)

if __name__ == "__main__":
    main()
