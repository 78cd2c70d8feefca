# Loads the network Digits wrote for PyTorch into an nn.Sequential, and measures it on MNIST's test
# images: it reads them as Descent's model does (pixels / 255), so it gets Descent's test accuracy.
# Usage: python3 load_in_pytorch.py digits-pytorch.safetensors MNIST_FOLDER
import gzip, os, sys
import numpy, torch
from safetensors import safe_open
from safetensors.torch import load_file

path, mnist = sys.argv[1], sys.argv[2]
with safe_open(path, "pt") as file:
    activations = file.metadata()["activations"].split(",")   # e.g. sigmoid,sigmoid,sigmoid
state = load_file(path)                                         # 0.weight, 0.bias, 2.weight, ...
modules = {"sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "softmax": lambda: torch.nn.Softmax(dim=1)}
layers = []
for index, activation in enumerate(activations):
    outputs, inputs = state[f"{2 * index}.weight"].shape
    layers += [torch.nn.Linear(inputs, outputs), modules[activation]()]
network = torch.nn.Sequential(*layers)
network.load_state_dict(state)

def idx(name, offset):
    for candidate in (name + ".gz", name):
        full = os.path.join(mnist, candidate)
        if os.path.exists(full):
            data = (gzip.open if candidate.endswith(".gz") else open)(full, "rb").read()
            return numpy.frombuffer(data, dtype=numpy.uint8, offset=offset)
    sys.exit(f"{name} is not in {mnist}")

images = torch.from_numpy(idx("t10k-images-idx3-ubyte", 16).reshape(-1, 784).astype(numpy.float32) / 255)
labels = torch.from_numpy(idx("t10k-labels-idx1-ubyte", 8).astype(numpy.int64))
with torch.no_grad():
    accuracy = (network(images).argmax(dim=1) == labels).float().mean().item()
print(f"PyTorch: {network}")
print(f"test accuracy {accuracy:.4f}")
