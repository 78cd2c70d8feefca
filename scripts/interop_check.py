#!/usr/bin/env python3
"""Interop check: a model written by `descent train` opens in numpy through the safetensors
package, and numpy's forward pass gives the same prediction as Descent on every test image.

Usage: interop_check.py MODEL MNIST_DIR DESCENT_EVALUATE_JSON
The JSON is the output of `descent evaluate --model MODEL --json --include-predictions`.
"""
import gzip
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def forward(tensors, activations, x):
    a = x
    for i, name in enumerate(activations):
        z = a @ tensors[f"layers.{i}.weight"].T + tensors[f"layers.{i}.bias"]
        if name == "sigmoid":
            a = 1 / (1 + np.exp(-z))
        elif name == "relu":
            a = np.maximum(z, 0)
        elif name == "tanh":
            a = np.tanh(z)
        elif name == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        else:
            raise SystemExit(f"unknown activation {name}")
    return a


def main():
    model_path, mnist_dir, evaluate_json = sys.argv[1:4]
    tensors = load_file(model_path)
    with safe_open(model_path, framework="numpy") as f:
        metadata = f.metadata()
    assert metadata["format"] == "descent/1", metadata
    sizes = [int(s) for s in metadata["layers"].split(",")]
    activations = metadata["activations"].split(",")
    for i in range(len(sizes) - 1):
        assert tensors[f"layers.{i}.weight"].dtype == np.float32
        assert tensors[f"layers.{i}.weight"].shape == (sizes[i + 1], sizes[i])
        assert tensors[f"layers.{i}.bias"].shape == (sizes[i + 1],)
    images = read_idx(f"{mnist_dir}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    labels = read_idx(f"{mnist_dir}/t10k-labels-idx1-ubyte.gz")
    numpy_predictions = forward(tensors, activations, images).argmax(axis=1)
    with open(evaluate_json) as f:
        descent = json.load(f)
    descent_predictions = np.array(descent["predictions"])
    differing = int((numpy_predictions != descent_predictions).sum())
    accuracy = float((numpy_predictions == labels).mean())
    print(f"numpy forward pass of {model_path} ({metadata['layers']}, {metadata['activations']}): "
          f"test accuracy {accuracy:.4f}, Descent {descent['accuracy']:.4f}; "
          f"{10000 - differing} of 10000 predictions agree")
    if differing:
        raise SystemExit(f"FAIL: {differing} predictions differ")
    print("interop check passed")


if __name__ == "__main__":
    main()
