#!/usr/bin/env python3
"""PyTorch models in: an nn.Sequential saved by the real `torch` and `safetensors` packages is imported
with `descent import`, and Descent then predicts what torch predicts.

Usage: pytorch_import.py DESCENT_BINARY MNIST_DIR [--images 200] [--probabilities 20]

It trains nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10)) for one pass over 10,000
training images (seed 0, pixels / 255 as Descent feeds them), saves its state_dict with
safetensors.torch.save_file, imports it, and checks:
  - `descent import` writes a model whose metadata names the file, its SHA-256 and preprocessing none;
  - `descent info` on the raw PyTorch file fails and says to run `descent import`;
  - `descent evaluate --json --include-predictions` gives torch's argmax on the first --images test images;
  - `descent predict --test-index i --json` gives torch.softmax's probabilities within 1e-4;
  - files Descent cannot import (Linear(bias=False), float64) are refused naming the tensor.
Ends with "pytorch_import: N passed, M failed" and exits 1 if any failed.
"""
import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch import nn
from safetensors.torch import save_file

results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=300)


def trained_model(mnist):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))
    images = torch.from_numpy(read_idx(f"{mnist}/train-images-idx3-ubyte.gz")[:10000].reshape(-1, 784).astype(np.float32) / 255)
    labels = torch.from_numpy(read_idx(f"{mnist}/train-labels-idx1-ubyte.gz")[:10000].astype(np.int64))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for start in range(0, len(images), 64):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(images[start:start + 64]), labels[start:start + 64])
        loss.backward()
        optimizer.step()
    return model.eval()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("mnist")
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--probabilities", type=int, default=20)
    options = parser.parse_args()
    torch.set_num_threads(1)
    folder = tempfile.mkdtemp(prefix="pytorch-import-")
    try:
        return checks(options.binary, options.mnist, folder, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def checks(binary, mnist, folder, options):
    raw, imported = f"{folder}/mlp.safetensors", f"{folder}/model.safetensors"

    model = trained_model(mnist)
    save_file(model.state_dict(), raw)
    test_images = read_idx(f"{mnist}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    test_labels = read_idx(f"{mnist}/t10k-labels-idx1-ubyte.gz")
    with torch.no_grad():
        probabilities = torch.softmax(model(torch.from_numpy(test_images)), dim=1).numpy()
    torch_digits = probabilities.argmax(axis=1)
    print(f"torch: keys {sorted(model.state_dict())}, test accuracy {(torch_digits == test_labels).mean():.4f}")

    info = run(binary, "info", "--model", raw)
    check("descent info on the raw PyTorch file fails and says to run descent import",
          info.returncode != 0 and "descent import" in info.stderr, (info.stderr or info.stdout).strip())

    result = run(binary, "import", raw, "--activations", "relu,softmax", "--out", imported)
    check("descent import", result.returncode == 0, (result.stdout + result.stderr).strip().replace("\n", " | "))
    if result.returncode != 0:
        return finish()

    info = run(binary, "info", "--model", imported, "--json")
    metadata = json.loads(info.stdout)["metadata"] if info.returncode == 0 else {}
    with open(raw, "rb") as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    expected = {"imported_from": "mlp.safetensors", "imported_sha256": sha256, "preprocessing": "none",
                "layers": "784,64,10", "activations": "relu,softmax", "cost": "cross-entropy"}
    check("descent info shows where the model came from",
          all(metadata.get(key) == value for key, value in expected.items()), json.dumps(metadata))

    evaluate = run(binary, "evaluate", "--model", imported, "--data", mnist, "--json", "--include-predictions")
    if evaluate.returncode != 0:
        check("descent evaluate", False, evaluate.stderr.strip())
    else:
        report = json.loads(evaluate.stdout)
        descent_digits = np.array(report["predictions"])
        count = options.images
        agree = int((descent_digits[:count] == torch_digits[:count]).sum())
        check(f"descent evaluate's digits agree with torch's argmax on the first {count} test images",
              agree == count, f"{agree} of {count}; on all 10000: {int((descent_digits == torch_digits).sum())}, "
              f"accuracy descent {report['accuracy']:.4f}, torch {(torch_digits == test_labels).mean():.4f}")

    worst, digits_agree = 0.0, True
    for index in range(options.probabilities):
        predict = run(binary, "predict", "--model", imported, "--data", mnist, "--test-index", str(index), "--json")
        if predict.returncode != 0:
            check(f"descent predict --test-index {index}", False, predict.stderr.strip())
            continue
        answer = json.loads(predict.stdout)["predictions"][0]
        worst = max(worst, float(np.abs(np.array(answer["outputs"]) - probabilities[index]).max()))
        digits_agree = digits_agree and answer["digit"] == int(torch_digits[index])
    check(f"descent predict's probabilities match torch.softmax within 1e-4 on {options.probabilities} test images",
          worst <= 1e-4 and digits_agree, f"largest difference {worst:.2e}")

    refusals = [
        ("nn.Linear(bias=False)", nn.Sequential(nn.Linear(784, 10, bias=False)), "0.bias is missing"),
        ("a float64 model", nn.Sequential(nn.Linear(784, 10)).double(), "0.weight is F64; expected F32"),
        ("a BatchNorm between the Linear layers", nn.Sequential(nn.Linear(784, 8), nn.BatchNorm1d(8), nn.Linear(8, 10)),
         "unexpected tensor 1."),
    ]
    for name, bad_model, message in refusals:
        path = f"{folder}/bad.safetensors"
        save_file(bad_model.state_dict(), path)
        refused = run(binary, "import", path, "--activations", "softmax" if len(bad_model) == 1 else "relu,softmax",
                      "--out", f"{folder}/bad-model.safetensors")
        check(f"descent import refuses {name}", refused.returncode != 0 and message in refused.stderr, refused.stderr.strip())
    return finish()


def finish():
    print(f"pytorch_import: {results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
